// Raw TCP clients, each from its own loopback address, for the attacks a WebSocket library refuses to make.
import { connect, type Socket } from 'node:net';
import { ServerStream, upgradeRequest } from './fuzz-wire.js';

/**
 * Loopback source addresses 127.0.0.2, 127.0.0.3, … each handed out once: the server counts abuse per
 * address, so no attacker's penalty can reach the probe (127.0.0.1) or another attacker.
 */
export class Addresses {
  private n = 1;

  next(): string {
    for (;;) {
      this.n += 1;
      const last = this.n & 255;
      if (last !== 0 && last !== 255) return `127.${(this.n >> 16) & 255}.${(this.n >> 8) & 255}.${last}`;
    }
  }
}

/** How the server ended a connection when it sent no close frame, or how a write found it gone. */
export type Ending = 'fin' | 'reset';

export class RawClient {
  readonly stream: ServerStream;
  ending: Ending | undefined;
  closed = false;
  /** This side closed the connection (destroy or reset), so its end says nothing about the server. */
  hungUp = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly socket: Socket,
    readonly address: string,
    private readonly skim: boolean,
  ) {
    this.stream = new ServerStream(skim);
    socket.on('data', (chunk: Buffer) => {
      this.stream.feed(chunk);
      this.notify();
    });
    socket.on('end', () => (this.ending ??= 'fin'));
    socket.on('error', () => (this.ending ??= 'reset'));
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Resolves with whether `done()` became true within `ms`; checked whenever data arrives or the socket closes. */
  until(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (done()) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(done());
      };
      const timer = setTimeout(finish, ms);
      this.waiters.add(check);
    });
  }

  /**
   * Sends an upgrade request and waits for its answer: the status, and on 101 the `connected` welcome (a skimming
   * client skips that large message: it waits for the welcome heartbeat sent just before it).
   */
  async upgrade(target = '/ws/signals', ms = 5_000): Promise<number | undefined> {
    this.write(upgradeRequest(target));
    const welcomed = () => this.has('connected') || (this.skim && this.has('heartbeat'));
    await this.until(() => this.closed || (this.stream.status !== undefined && (this.stream.status !== 101 || welcomed())), ms);
    return this.stream.status;
  }

  write(data: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  has(type: string): boolean {
    return this.stream.messages.some((m) => m.type === type);
  }

  /** Error codes received, in order. */
  errors(): string[] {
    return this.stream.messages.filter((m) => m.type === 'error').map((m) => String(m.code));
  }

  /** The server has let go of this connection: a close frame, or the socket ended or was reset. */
  dropped(): boolean {
    return this.stream.close !== undefined || this.closed;
  }

  /** Stops reading: what the server sends waits in the kernel's buffers, then in the server. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  reset(): void {
    this.hungUp = true;
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.hungUp = true;
    this.socket.destroy();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** Opens a phase's raw clients, each from a fresh address unless given one, and counts them (the peak bounds the server's memory). */
export class Attackers {
  connections = 0;
  peak = 0;
  private readonly live = new Set<RawClient>();

  constructor(
    readonly port: number,
    private readonly addresses: Addresses,
  ) {}

  address(): string {
    return this.addresses.next();
  }

  /**
   * Connects. `paused` never reads until `resume()` (the kernel then holds only its default receive
   * buffer); `skim` counts every byte but parses only small messages (see ServerStream).
   */
  open(options: { address?: string; paused?: boolean; skim?: boolean } = {}): Promise<RawClient> {
    const address = options.address ?? this.addresses.next();
    return new Promise((resolve, reject) => {
      const socket = connect({ port: this.port, host: '127.0.0.1', localAddress: address });
      // Paused before any listener is attached, so that the socket never starts reading.
      if (options.paused) socket.pause();
      const client = new RawClient(socket, address, options.skim ?? false);
      socket.once('connect', () => {
        this.connections += 1;
        this.live.add(client);
        this.peak = Math.max(this.peak, this.live.size);
        socket.once('close', () => this.live.delete(client));
        resolve(client);
      });
      socket.once('close', () => reject(new Error(`could not connect from ${address}`)));
    });
  }

  /** Destroys what the phase left open. */
  closeAll(): void {
    for (const client of this.live) client.destroy();
  }
}
