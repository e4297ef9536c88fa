// Three more mistakes, for the differential test against Daphne.
import { WebsocketConsumer } from "channels";

/** Sends before accepting: an application error during the handshake, answered with HTTP 500. */
export class SendBeforeAcceptConsumer extends WebsocketConsumer {
  override connect() {
    this.send({ text_data: "too early" });
  }
}

/** Closes with 1001, which a server may not send: an application error, answered with 1011. */
export class BadCloseConsumer extends WebsocketConsumer {
  override receive() {
    this.close(1001);
  }
}

/** Crashes in connect: HTTP 500 during the handshake. */
export class ConnectBoomConsumer extends WebsocketConsumer {
  override connect(): void {
    throw new Error("connect boom");
  }
}
