// The baseline for single-event ingest: a Fastify route that parses the same JSON body and answers
// 201 with a small JSON receipt, doing nothing else. Started as its own process, like the server.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
app.post('/v1/events', async (_request, reply) => reply.code(201).send({ id: 'evt_noop', sequence: 0 }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening on ${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
