import type { FastifyReply } from 'fastify';

const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * A sender for one route whose views are answered again and again (a polled payment's): each view object is
 * serialized by the route's response schema once, and its text sent from then on. The services hand out one
 * immutable view per stored row, so the text stays right for as long as the view lives; a string body with a
 * JSON content type is sent by Fastify as it is. One sender per route, because the text is that route's schema's.
 */
export function serializedOnce(): (reply: FastifyReply, view: object) => void {
  const bodies = new WeakMap<object, string>();
  return (reply, view) => {
    let body = bodies.get(view);
    if (body === undefined) {
      body = reply.serialize(view) as string; // fast-json-stringify's output
      bodies.set(view, body);
    }
    reply.type(JSON_UTF8).send(body);
  };
}
