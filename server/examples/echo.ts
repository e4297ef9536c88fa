// Echoes every message back: text as text, bytes as bytes.
import { WebsocketConsumer, type Bytes } from "channels";

export class EchoConsumer extends WebsocketConsumer {
  override receive(text_data?: string, bytes_data?: Bytes) {
    if (text_data !== undefined) this.send({ text_data });
    else this.send({ bytes_data });
  }
}
