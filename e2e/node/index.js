'use strict';

// A small Node.js service for errorcatalog's end-to-end suite
// (e2e/node_test.go): it logs with pino the way a Node developer does,
// vendor error responses as fields of the log line, and
// @opentelemetry/instrumentation-pino's log sending hands every line to the
// OpenTelemetry Logs SDK, which exports it over OTLP/HTTP (JSON) to the
// collector at OTEL_EXPORTER_OTLP_ENDPOINT.
//
// It exits 0 once every record was exported, 1 when an export failed or a
// record is missing, 2 when the endpoint is not set, and 3 when it has not
// finished within DEADLINE_MS.

const DEADLINE_MS = 20000;
// Records logged below, all of which must be exported.
const EXPECTED_RECORDS = 4;

const deadline = setTimeout(() => {
  console.error(`e2e-node: not finished within ${DEADLINE_MS} ms`);
  process.exit(3);
}, DEADLINE_MS);
deadline.unref();

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (!endpoint) {
  console.error('e2e-node: OTEL_EXPORTER_OTLP_ENDPOINT is not set (the collector\'s OTLP/HTTP receiver, e.g. http://127.0.0.1:4318)');
  process.exit(2);
}

const { diag, DiagConsoleLogger, DiagLogLevel } = require('@opentelemetry/api');
const { logs } = require('@opentelemetry/api-logs');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');

// SDK warnings and errors (a refused export, say) go to stderr.
diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);

// The OTLP exporter, wrapped to count what the collector accepted.
const otlp = new OTLPLogExporter({ url: endpoint.replace(/\/+$/, '') + '/v1/logs' });
let exported = 0;
const failures = [];
const exporter = {
  export(records, done) {
    otlp.export(records, (result) => {
      if (result.code === 0) { // ExportResultCode.SUCCESS
        exported += records.length;
      } else {
        failures.push(result.error || new Error(`export result ${result.code}`));
      }
      done(result);
    });
  },
  forceFlush() { return otlp.forceFlush(); },
  shutdown() { return otlp.shutdown(); },
};

const loggerProvider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'e2e-node' }),
  processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 200 })],
});
// instrumentation-pino's log-sending stream emits through the global
// LoggerProvider (api-logs' `logs`).
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({
  loggerProvider,
  // Log sending is on by default; said here so that it stays on.
  instrumentations: [new PinoInstrumentation({ disableLogSending: false })],
});

// pino is required after the instrumentation is registered, so that it is
// patched.
const pino = require('pino');
const logger = pino({ name: 'e2e-node' });

// CometChat's REST API answers a failed call with {"error": {...}}; the
// service logs the parsed response as a field.
logger.error({
  vendor_response: {
    error: {
      code: 'ERR_UID_NOT_FOUND',
      message: 'The UID superhero9 does not exist, please make sure you have created a user with UID superhero9.',
      devMessage: 'The user with UID superhero9 does not exist.',
      source: 'ums',
    },
  },
}, 'cometchat call failed');

// A Fone Dynamics error response nested in the service's own context.
logger.error({
  sms: {
    to: '+61400000000',
    upstream: {
      statusCode: 404,
      body: {
        ResponseStatus: {
          ErrorCode: 'NUMBER_NOT_FOUND',
          Message: 'A matching phone number could not be found.',
        },
      },
    },
  },
}, 'fone dynamics send failed');

// No vendor response at all, but a map-valued field all the same.
logger.info({ order: { id: 'ord-1001', items: 3 } }, 'order placed');

// A numeric code at `code`, the path Speakap and NetEase IM both answer
// at, and nothing telling which vendor sent it.
logger.warn({ vendor_response: { code: 414, desc: 'parameter error' } }, 'im call failed');

async function main() {
  // Let the pino streams hand over what they hold before flushing.
  await new Promise((resolve) => setImmediate(resolve));
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
  if (failures.length > 0) {
    console.error(`e2e-node: ${failures.length} export(s) failed:`, ...failures);
    process.exit(1);
  }
  if (exported !== EXPECTED_RECORDS) {
    console.error(`e2e-node: exported ${exported} log records, want ${EXPECTED_RECORDS}`);
    process.exit(1);
  }
  console.error(`e2e-node: exported ${exported} log records to ${endpoint}`);
  process.exit(0);
}

main().catch((err) => {
  console.error('e2e-node:', err);
  process.exit(1);
});
