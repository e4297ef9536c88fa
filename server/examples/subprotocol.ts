// Accepts with "chat.v2" when the client offers it, and says what was offered and chosen.
import { JsonWebsocketConsumer, WebsocketConsumer } from "channels";

export class SubprotocolConsumer extends WebsocketConsumer {
  selected: string | null = null;

  override connect() {
    this.selected = this.scope.subprotocols.includes("chat.v2") ? "chat.v2" : null;
    this.accept(this.selected);
  }

  override receive() {
    // Python's json.dumps formatting, as Channels' JSON consumers send it.
    this.send({ text_data: JsonWebsocketConsumer.encode_json({ offered: this.scope.subprotocols, selected: this.selected }) });
  }
}
