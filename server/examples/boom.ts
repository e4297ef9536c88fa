// Accepts, then crashes on the first message: the server closes the connection with 1011.
import { WebsocketConsumer } from "channels";

export class BoomConsumer extends WebsocketConsumer {
  override receive() {
    throw new Error("boom");
  }
}
