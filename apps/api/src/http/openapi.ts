import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { GROVE_EXTENSIONS, MAX_VERSION, versionString } from './microversion';

const SUPPORTED_MAX = versionString(MAX_VERSION);

/** Where the document and its browsable page are served. */
export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_PAGE_PATH = '/api-docs';

/** Senlin's fault body, the answer of every 4xx and 5xx. */
const FAULT = {
  type: 'object',
  required: ['code', 'error', 'explanation', 'title'],
  properties: {
    code: { type: 'integer' },
    title: { type: 'string' },
    explanation: { type: 'string' },
    error: {
      type: 'object',
      properties: { code: { type: 'integer' }, message: { type: 'string' }, type: { type: 'string' } },
    },
  },
} as const;

/**
 * The OpenAPI document of the whole api, from the controllers themselves (@nestjs/swagger reads
 * their routes, path and query parameters), so that it cannot drift from the code. What a
 * controller does not say is added the same way for every operation: a tag from the collection
 * it belongs to, the microversion header, JSON bodies and Senlin's fault body for errors.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Grove clustering API')
    .setDescription(
      'The OpenStack Senlin Clustering API v1, as Grove serves it. Microversions 1.0 to ' +
        `${SUPPORTED_MAX} are chosen with the OpenStack-API-Version header; Grove's additions come at ${GROVE_EXTENSIONS}.`,
    )
    .setVersion('1.0')
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Fault: FAULT as never } };
  for (const [path, item] of Object.entries(doc.paths)) {
    const tag = /^\/v1\/([^/]+)/.exec(path)?.[1] ?? 'versions';
    // A method on two paths (`/attrs` and `/attrs/{path}`) gets one parameter list: each path its own.
    const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const op of Object.values(item) as NonNullable<(typeof item)['get']>[]) {
      op.tags = [tag];
      const others = (op.parameters ?? []).filter((p) => !('in' in p) || p.in !== 'path');
      op.parameters = [
        ...inPath.map((name) => ({ name, in: 'path' as const, required: true, schema: { type: 'string' as const } })),
        ...others,
        {
          name: 'OpenStack-API-Version',
          in: 'header',
          required: false,
          description: `The microversion, e.g. "clustering ${SUPPORTED_MAX}" (default 1.0).`,
          schema: { type: 'string' },
        },
      ];
      if (op.requestBody && 'content' in op.requestBody)
        op.requestBody.content = { 'application/json': { schema: { type: 'object' } } };
      op.responses = {
        ...op.responses,
        default: {
          description: "An error, in Senlin's fault format.",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } },
        },
      };
    }
  }
  return doc;
}

/** Serves the document at OPENAPI_JSON_PATH and Swagger UI at OPENAPI_PAGE_PATH (its assets are bundled). */
export function useOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_PAGE_PATH.slice(1), app, () => openApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: undefined,
    customSiteTitle: 'Grove clustering API',
  });
}
