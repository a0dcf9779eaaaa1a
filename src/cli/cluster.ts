// `serve --redis-url`: what makes this process one node of a cluster: its link to Redis, the signal log there, the Broker.
import { Broker, nodeId } from '../cluster/broker.js';
import type { Logger } from '../core/log.js';
import { RedisLink } from '../log/redis-link.js';
import { RedisLog } from '../log/redis-log.js';
import type { Retention } from '../log/signal-log.js';

export interface ClusterNode {
  link: RedisLink;
  log: RedisLog;
  broker: Broker;
  /** Connects to Redis (CONNECTION_FAILED when it cannot), reads the log, takes the leases it can. */
  open(): Promise<void>;
  /** Gives back the leases and closes the link. */
  close(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl: string;
  leaseMs: number;
  retention?: Retention | undefined;
  /** This node's open WebSocket connections. */
  connections: () => number;
  logger: Logger;
}

export function clusterNode(options: ClusterOptions): ClusterNode {
  const id = nodeId();
  const link = new RedisLink({ url: options.redisUrl, name: `signals-${id}`, logger: options.logger });
  const log = new RedisLog({
    link,
    nodeId: id,
    ...(options.retention ? { retention: options.retention } : {}),
    warn: (message, fields) => options.logger.warn(message, fields),
  });
  const broker = new Broker({ link, log, nodeId: id, leaseMs: options.leaseMs, connections: options.connections, logger: options.logger });
  return {
    link,
    log,
    broker,
    async open() {
      await link.connect();
      try {
        await log.open();
        await broker.start();
      } catch (error) {
        await link.close();
        throw error;
      }
    },
    async close() {
      await broker.stop();
      await link.close();
    },
  };
}
