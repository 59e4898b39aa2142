/**
 * The kustomize manifests in deploy/k8s: rendered with kubectl's built-in kustomize exactly as
 * `kubectl apply -k` would, and every object validated offline against the Kubernetes OpenAPI schemas
 * (kubernetes-models). Then what the design promises of them: one hub with a volume, probes, non-root,
 * workers on labelled nodes with their identity on the node and the token from a Secret file.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { hasTool } from './ci-requirements.js';

const k8s = fileURLToPath(new URL('../deploy/k8s/', import.meta.url));

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // The rest is checked by the schemas; tests read it loosely.
  [key: string]: unknown;
}

function render(overlay: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', `${k8s}${overlay}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${overlay} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
}

/** Validates one object against its kind's schema; returns the schema errors (empty when valid). */
async function schemaErrors(obj: K8sObject): Promise<string[]> {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion : `v1`;
  const mod = (await import(`kubernetes-models/${group}/${obj.kind}`)) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = mod[obj.kind];
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [`${obj.kind}/${obj.metadata.name}: ${(err as Error).message}`];
  }
}

const find = (objs: K8sObject[], kind: string, name: string): K8sObject => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in the rendered manifests`);
  return o;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe.skipIf(!hasTool('kubectl', ['version', '--client']))('deploy/k8s manifests', () => {
  for (const overlay of ['base', 'overlays/k3s', 'overlays/k3s-mosquitto']) {
    it(`${overlay} renders, and every object validates against the Kubernetes schemas`, async () => {
      const objs = render(overlay);
      expect(objs.length).toBeGreaterThanOrEqual(7);
      const errors = (await Promise.all(objs.map(schemaErrors))).flat();
      expect(errors).toEqual([]);
      for (const o of objs) if (o.kind !== 'Namespace') expect(o.metadata.namespace).toBe('jarvis');
    });
  }

  it('the validation can fail: a container port given as a word is caught', async () => {
    const hub = structuredClone(find(render('base'), 'StatefulSet', 'jarvis-hub')) as Any;
    hub.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect((await schemaErrors(hub)).join()).toMatch(/containerPort/);
  });

  it('the hub is one StatefulSet with a volume for its data dir, probes on /healthz and /readyz, non-root', () => {
    const objs = render('overlays/k3s');
    const hub = find(objs, 'StatefulSet', 'jarvis-hub') as Any;
    expect(hub.spec.replicas).toBe(1);
    expect(hub.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('local-path');
    const pod = hub.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('jarvis:0.1.0');
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/jarvis' });
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.resources.requests).toBeDefined();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(find(objs, 'ConfigMap', 'jarvis-hub').data).toMatchObject({ JARVIS_DATA_DIR: '/var/lib/jarvis', JARVIS_PUBLIC_HOST: expect.any(String) });
  });

  it('devices reach MQTT over TCP and audio over UDP through LoadBalancer Services (k3s ServiceLB)', () => {
    const objs = render('overlays/k3s');
    const udp = find(objs, 'Service', 'jarvis-hub-lan-udp') as Any;
    expect(udp.spec.type).toBe('LoadBalancer');
    expect(udp.spec.ports).toEqual([expect.objectContaining({ port: 8641, protocol: 'UDP' })]);
    const tcp = find(objs, 'Service', 'jarvis-hub-lan-tcp') as Any;
    expect(tcp.spec.ports.map((p: Any) => p.port)).toEqual([8640, 1883, 8642]);
  });

  it('workers run on labelled nodes, keep their identity on the node, and read the join token from a Secret file', () => {
    const ds = find(render('overlays/k3s'), 'DaemonSet', 'jarvis-worker') as Any;
    const pod = ds.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'jarvis.io/worker': 'true' });
    const state = pod.volumes.find((v: Any) => v.name === 'state');
    expect(state.hostPath.path).toBe('/var/lib/jarvis-worker');
    const join = pod.volumes.find((v: Any) => v.name === 'join');
    expect(join.secret.secretName).toBe('jarvis-worker-join');
    const args: string[] = pod.containers[0].args;
    expect(args).toContain('--token-file=/etc/jarvis-worker-join/token');
    expect(args.some((a) => a.startsWith('--token='))).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('the Mosquitto overlay adds the broker, points the hub at it with its own login, and stops exposing the hub\'s broker', () => {
    const objs = render('overlays/k3s-mosquitto');
    expect(find(objs, 'Deployment', 'jarvis-mosquitto')).toBeDefined();
    expect(find(objs, 'ConfigMap', 'jarvis-hub').data).toMatchObject({ JARVIS_MQTT_URL: 'mqtt://jarvis-mosquitto.jarvis.svc:1883' });
    const hub = find(objs, 'StatefulSet', 'jarvis-hub') as Any;
    expect(hub.spec.template.spec.containers[0].envFrom).toContainEqual({ secretRef: { name: 'jarvis-hub-mqtt' } });
    const tcp = find(objs, 'Service', 'jarvis-hub-lan-tcp') as Any;
    expect(tcp.spec.ports.map((p: Any) => p.port)).toEqual([8640, 8642]);
  });
});
