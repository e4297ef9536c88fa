// The echo consumer, async: every handler is awaited, one message at a time per connection.
import { AsyncWebsocketConsumer, type Bytes } from "channels";

export class AsyncEchoConsumer extends AsyncWebsocketConsumer {
  override async receive(text_data?: string, bytes_data?: Bytes) {
    if (text_data !== undefined) await this.send({ text_data });
    else await this.send({ bytes_data });
  }
}
