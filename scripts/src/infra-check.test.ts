import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkInfra } from './infra-check';

const INFRA = resolve(__dirname, '..', '..', 'infra');

describe('infra check', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'portico-infra-'));
    cpSync(INFRA, copy, { recursive: true, filter: (src) => !src.includes('/secrets') });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  const edit = (file: string, from: string | RegExp, to: string) => {
    const path = join(copy, file);
    const before = readFileSync(path, 'utf8');
    const after = before.replace(from, to);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
  };

  it('passes the checked-in files, every Kubernetes object included', () => {
    const { problems, objects } = checkInfra(INFRA);
    expect(problems).toEqual([]);
    // 6 processes × (Deployment, Service, HPA, PDB), 5 migration Jobs, 3 policies, 1 ConfigMap.
    expect(objects).toBe(33);
  });

  it('refuses a compose start order on a condition Compose does not know', () => {
    edit('compose.yaml', 'condition: service_healthy', 'condition: service_ready');
    const { problems } = checkInfra(copy);
    expect(problems.some((p) => p.file.endsWith('compose.yaml'))).toBe(true);
  });

  it('refuses a Deployment whose replica count is not a number', () => {
    edit('k8s/billing.yaml', 'replicas: 2', 'replicas: two');
    const { problems } = checkInfra(copy);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/Deployment billing.*replicas/s);
  });

  it('refuses a probe without a port and an object of an unknown kind', () => {
    edit('k8s/sales.yaml', /( {14}path: \/readyz\n) {14}port: http\n/, '$1');
    edit('k8s/config.yaml', 'kind: ConfigMap', 'kind: ConfigMapp');
    const messages = checkInfra(copy).problems.map((p) => p.message);
    expect(messages.some((m) => /Deployment sales.*port/s.test(m))).toBe(true);
    expect(messages.some((m) => /unknown kind v1\/ConfigMapp/.test(m))).toBe(true);
  });

  it('refuses a container file with an unknown instruction or a bad port', () => {
    edit('Containerfile', 'EXPOSE 8080', 'EXPOSE http\nHEALTHCHEK NONE');
    const messages = checkInfra(copy)
      .problems.filter((p) => p.file.endsWith('Containerfile'))
      .map((p) => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Unknown instruction: HEALTHCHEK/),
        expect.stringMatching(/Invalid containerPort: http/),
      ]),
    );
  });
});
