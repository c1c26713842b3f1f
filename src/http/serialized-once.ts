import type { FastifyReply } from 'fastify';

const bodies = new WeakMap<object, string>();
const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * Sends a view that is answered again and again (a polled payment's), serialized by the route's response schema
 * once per view object. The services hand out one immutable view per stored row, so the text stays right for as
 * long as the view lives; a string body with a JSON content type is sent by Fastify as it is.
 */
export function sendSerializedOnce(reply: FastifyReply, view: object): void {
  let body = bodies.get(view);
  if (body === undefined) {
    body = reply.serialize(view) as string; // fast-json-stringify's output
    bodies.set(view, body);
  }
  reply.type(JSON_UTF8).send(body);
}
