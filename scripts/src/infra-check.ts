import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { validate as lintContainerfile } from 'dockerfile-utils';
import { parseAllDocuments } from 'yaml';

/**
 * `npm run infra:check`: every file under infra/ that a tool can read is
 * checked by that tool: the compose file against the Compose Specification's
 * JSON schema (vendored in infra/schemas/), each Kubernetes object against the
 * API's OpenAPI schema as shipped by kubernetes-models, and the container file
 * by dockerfile-utils' linter. Exits 1 and lists every problem when one is found.
 */
export interface InfraProblem {
  file: string;
  message: string;
}

interface KubernetesModel {
  new (data: unknown): { validate(): void };
}

/** apiVersion → the kubernetes-models module that holds its kinds. */
function modelFor(apiVersion: string, kind: string): KubernetesModel | undefined {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const group = require(`kubernetes-models/${apiVersion}`) as Record<string, unknown>;
    const model = group[kind];
    return typeof model === 'function' ? (model as KubernetesModel) : undefined;
  } catch {
    return undefined;
  }
}

function yamlDocuments(file: string, text: string, problems: InfraProblem[]): unknown[] {
  // Merge keys (`<<: *anchor`) as Compose reads them.
  const documents = parseAllDocuments(text, { merge: true });
  const values: unknown[] = [];
  for (const document of documents) {
    for (const error of document.errors) problems.push({ file, message: error.message });
    const value: unknown = document.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

export function checkCompose(infraDir: string, problems: InfraProblem[]): void {
  const file = join(infraDir, 'compose.yaml');
  const schema = JSON.parse(
    readFileSync(join(infraDir, 'schemas', 'compose-spec.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The compose schema names draft-07 by its https address; Ajv ships it under http.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(schema);
  const documents = yamlDocuments(file, readFileSync(file, 'utf8'), problems);
  if (documents.length !== 1) {
    problems.push({ file, message: `expected one YAML document, found ${documents.length}` });
    return;
  }
  if (!validate(documents[0])) {
    for (const error of validate.errors ?? []) {
      problems.push({
        file,
        message: `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      });
    }
  }
}

export function checkKubernetes(infraDir: string, problems: InfraProblem[]): number {
  const dir = join(infraDir, 'k8s');
  let objects = 0;
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
    const file = join(dir, name);
    for (const value of yamlDocuments(file, readFileSync(file, 'utf8'), problems)) {
      objects++;
      const object = value as {
        apiVersion?: unknown;
        kind?: unknown;
        metadata?: { name?: unknown };
      };
      const label = `${String(object.kind)} ${String(object.metadata?.name)}`;
      if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
        problems.push({ file, message: `${label}: apiVersion and kind are required` });
        continue;
      }
      const Model = modelFor(object.apiVersion, object.kind);
      if (!Model) {
        problems.push({
          file,
          message: `${label}: unknown kind ${object.apiVersion}/${object.kind}`,
        });
        continue;
      }
      try {
        new Model(value).validate();
      } catch (error) {
        problems.push({ file, message: `${label}: ${(error as Error).message}` });
      }
    }
  }
  return objects;
}

export function checkContainerfile(infraDir: string, problems: InfraProblem[]): void {
  const file = join(infraDir, 'Containerfile');
  for (const diagnostic of lintContainerfile(readFileSync(file, 'utf8'))) {
    problems.push({
      file,
      message: `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`,
    });
  }
}

export function checkInfra(infraDir: string): { problems: InfraProblem[]; objects: number } {
  const problems: InfraProblem[] = [];
  checkCompose(infraDir, problems);
  const objects = checkKubernetes(infraDir, problems);
  checkContainerfile(infraDir, problems);
  return { problems, objects };
}

if (require.main === module) {
  const infraDir = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'infra'));
  const { problems, objects } = checkInfra(infraDir);
  for (const problem of problems) {
    process.stderr.write(`${relative(process.cwd(), problem.file)}: ${problem.message}\n`);
  }
  process.stdout.write(
    `infra: compose.yaml, ${objects} Kubernetes objects and Containerfile checked, ${problems.length} problem(s)\n`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
