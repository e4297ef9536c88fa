// Direct messages: every consumer has a channel_name, and anyone who knows it can send to that consumer.
// Connect two clients; each is told its channel_name. Send {"to": "<the other's name>", "text": "hi"}.
import { AsyncJsonWebsocketConsumer } from "channels";

export class DirectConsumer extends AsyncJsonWebsocketConsumer {
  override async connect() {
    await this.accept();
    await this.send_json({ channel_name: this.channel_name });
  }

  override async receive_json(content: { to?: unknown; text?: unknown }) {
    if (typeof content.to !== "string") {
      await this.send_json({ error: 'Send {"to": "<a channel_name>", "text": "..."}' });
      return;
    }
    await this.channel_layer!.send(content.to, { type: "direct.message", text: content.text, from: this.channel_name });
  }

  // Handles "direct.message" events sent to this consumer's channel_name.
  async direct_message(event: { text: unknown; from: string }) {
    await this.send_json({ from: event.from, text: event.text });
  }
}
