// Accepts, then closes with the application's own code 4001 on any message.
import { WebsocketConsumer } from "channels";

export class CloseCodeConsumer extends WebsocketConsumer {
  override receive() {
    this.close(4001);
  }
}
