// Text frames are JSON: receive_json gets the decoded value, send_json encodes it back.
import { JsonWebsocketConsumer } from "channels";

export class JsonEchoConsumer extends JsonWebsocketConsumer {
  override receive_json(content: unknown) {
    this.send_json(content);
  }
}
