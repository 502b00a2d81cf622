// Worker thread that owns the append connection: it runs each append transaction (inserts and the
// fsync of the commit) while the main thread keeps serving HTTP. Messages carry prepared events in
// and outcomes out; one transaction at a time, in arrival order.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { PreparedEvent } from '../store.js';
import { configureWriter, SqliteAppender } from './sqlite-appender.js';

const db = new Database((workerData as { filename: string }).filename);
configureWriter(db);
const appender = new SqliteAppender(db);

parentPort?.on('message', (message: { id: number; events?: PreparedEvent[]; close?: true }) => {
  if (message.close) {
    db.close();
    parentPort?.postMessage({ id: message.id, closed: true });
    parentPort?.close();
    return;
  }
  try {
    parentPort?.postMessage({ id: message.id, outcomes: appender.append(message.events ?? []) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: (error as Error).message ?? String(error) });
  }
});
