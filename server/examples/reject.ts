// Refuses every connection: a close before accept, which the server answers with HTTP 403.
import { WebsocketConsumer } from "channels";

export class RejectConsumer extends WebsocketConsumer {
  override connect() {
    this.close();
  }
}
