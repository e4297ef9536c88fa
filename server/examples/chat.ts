// A chat room per URL: everyone connected to ws/chat/<room>/ gets every message sent to that room.
import { AsyncWebsocketConsumer, URLRouter, re_path } from "channels";

export class ChatConsumer extends AsyncWebsocketConsumer {
  group_name = "";

  override async connect() {
    this.group_name = `chat_${this.scope.url_route!.kwargs.room}`;
    await this.channel_layer!.group_add(this.group_name, this.channel_name);
    await this.accept();
  }

  override async receive(text_data?: string) {
    if (text_data === undefined) return; // binary frames are ignored
    await this.channel_layer!.group_send(this.group_name, { type: "chat.message", text: text_data });
  }

  // Handles the group's "chat.message" events: the type's dots become underscores.
  async chat_message(event: { text: string }) {
    await this.send({ text_data: event.text });
  }

  override async disconnect(_code: number | null) {
    await this.channel_layer!.group_discard(this.group_name, this.channel_name);
  }
}

export const application = URLRouter([
  re_path(String.raw`^ws/chat/(?P<room>\w+)/$`, ChatConsumer.as_asgi()),
]);
