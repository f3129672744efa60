#!/usr/bin/env bash
# A release: the new image's migrations run as Jobs and must complete before
# any Deployment moves to it; the rolling update follows (maxUnavailable 0,
# readiness on /readyz). Usage: infra/k8s/deploy.sh IMAGE [NAMESPACE]
set -euo pipefail
image=${1:?usage: deploy.sh IMAGE [NAMESPACE]}
namespace=${2:-portico}
here="$(cd "$(dirname "$0")" && pwd)"
kc() { kubectl --namespace "$namespace" "$@"; }

kc apply -f "$here/config.yaml" -f "$here/network-policy.yaml"
for service in accounts billing sales documents messaging; do
  kc delete job "$service-migrate" --ignore-not-found --wait=true
  sed "s#image: registry.example.com/portico:.*#image: $image#" "$here/migrate-$service.yaml" | kc apply -f -
done
for service in accounts billing sales documents messaging; do
  kc wait --for=condition=complete --timeout=600s "job/$service-migrate"
done
for process in accounts billing sales documents messaging gateway; do
  sed "s#image: registry.example.com/portico:.*#image: $image#" "$here/$process.yaml" | kc apply -f -
done
for process in accounts billing sales documents messaging gateway; do
  kc rollout status --timeout=600s "deployment/$process"
done
