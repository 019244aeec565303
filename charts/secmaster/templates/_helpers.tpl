{{/*
Expand the name of the chart.
*/}}
{{- define "secmaster.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "secmaster.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "secmaster.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "secmaster.labels" -}}
helm.sh/chart: {{ include "secmaster.chart" . }}
{{ include "secmaster.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ssmd
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels
*/}}
{{- define "secmaster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "secmaster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "secmaster.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "secmaster.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image reference: a digest wins over a tag; the tag defaults to the chart's appVersion.
*/}}
{{- define "secmaster.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The name of a sync CronJob. The CronJob controller appends an 11-character suffix to the Jobs
it creates and a Job name must stay a 63-character label value, so the CronJob name may have
at most 52 characters.
Usage: include "secmaster.cronJobName" (dict "root" $ "mode" "full")
*/}}
{{- define "secmaster.cronJobName" -}}
{{- $name := printf "%s-%s" (include "secmaster.fullname" .root) .mode }}
{{- if gt (len $name) 52 }}
{{- fail (printf "CronJob name %q has %d characters; the limit is 52 (Kubernetes appends 11 to Job names). Shorten the release name or set fullnameOverride." $name (len $name)) }}
{{- end }}
{{- $name }}
{{- end }}

{{/*
The Secret holding the credentials: the chart's own when secrets.create, else secrets.existingSecret.
*/}}
{{- define "secmaster.secretName" -}}
{{- if .Values.secrets.create }}
{{- printf "%s-credentials" (include "secmaster.fullname" .) }}
{{- else }}
{{- .Values.secrets.existingSecret }}
{{- end }}
{{- end }}

{{/*
Where credential files are mounted.
*/}}
{{- define "secmaster.credentialsDir" -}}/var/run/secrets/secmaster{{- end }}

{{/*
"true" when some credential is read from the Secret.
Usage: include "secmaster.needsSecret" (dict "root" $ "serve" false)
*/}}
{{- define "secmaster.needsSecret" -}}
{{- $v := .root.Values }}
{{- if or $v.kalshi.signRequests (not $v.redis.url) (ne $v.nats.auth "none") (and .serve $v.serve.auth.enabled) }}true{{ end }}
{{- end }}

{{/*
Credential files to project from the Secret, as a list of {key, path}.
Usage: include "secmaster.credentialFiles" (dict "root" $ "serve" false) | fromYamlArray
*/}}
{{- define "secmaster.credentialFiles" -}}
{{- $v := .root.Values }}
{{- $keys := $v.secrets.keys }}
{{- if $v.kalshi.signRequests }}
- key: {{ $keys.kalshiPrivateKey }}
  path: kalshi-private-key.pem
{{- end }}
{{- if eq $v.nats.auth "creds" }}
- key: {{ $keys.natsCreds }}
  path: nats.creds
{{- end }}
{{- if and .serve $v.serve.auth.enabled }}
- key: {{ $keys.serveToken }}
  path: serve-token
{{- end }}
{{- end }}

{{/*
Fails with one plain sentence when the credentials have nowhere to come from.
*/}}
{{- define "secmaster.validateSecrets" -}}
{{- $v := .Values }}
{{- $needs := or (include "secmaster.needsSecret" (dict "root" . "serve" false)) (and $v.serve.enabled (include "secmaster.needsSecret" (dict "root" . "serve" true))) }}
{{- if and $needs (not $v.secrets.create) (not $v.secrets.existingSecret) }}
{{- fail "secmaster reads credentials from a Secret: set secrets.existingSecret to the name of a Secret you manage (see docs/deploying.md), or secrets.create=true with secrets.values for a development install." }}
{{- end }}
{{- if and $v.secrets.create $v.secrets.existingSecret }}
{{- fail "set either secrets.existingSecret or secrets.create, not both." }}
{{- end }}
{{- end }}

{{/*
Environment shared by the sync jobs and serve.
Usage: include "secmaster.env" (dict "root" $ "serve" false)
*/}}
{{- define "secmaster.env" -}}
{{- $v := .root.Values }}
{{- $secret := include "secmaster.secretName" .root }}
{{- $dir := include "secmaster.credentialsDir" . -}}
- name: SECMASTER_ENV
  value: {{ $v.config.env | quote }}
{{- /* serve needs Kalshi too: POST /v1/sync runs a sync. */}}
{{- with $v.config.kalshiApiUrl }}
- name: KALSHI_API_URL
  value: {{ . | quote }}
{{- end }}
{{- if $v.config.kalshiReadRate }}
- name: KALSHI_READ_RATE
  value: {{ $v.config.kalshiReadRate | toString | quote }}
{{- end }}
{{- if $v.kalshi.signRequests }}
- name: KALSHI_API_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $v.secrets.keys.kalshiApiKeyId }}
- name: KALSHI_PRIVATE_KEY_FILE
  value: {{ printf "%s/kalshi-private-key.pem" $dir | quote }}
{{- end }}
{{- if $v.redis.url }}
- name: REDIS_URL
  value: {{ $v.redis.url | quote }}
{{- else }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $v.secrets.keys.redisUrl }}
{{- end }}
- name: NATS_URL
  value: {{ $v.nats.url | quote }}
{{- if eq $v.nats.auth "token" }}
- name: NATS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $v.secrets.keys.natsToken }}
{{- else if eq $v.nats.auth "creds" }}
- name: NATS_CREDS_FILE
  value: {{ printf "%s/nats.creds" $dir | quote }}
{{- end }}
{{- with $v.config.pushgatewayUrl }}
- name: PUSHGATEWAY_URL
  value: {{ . | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
{{- with $v.config.nodeOptions }}
- name: NODE_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Pod security context (restricted Pod Security Standard).
*/}}
{{- define "secmaster.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Container security context (restricted Pod Security Standard, read-only root filesystem).
*/}}
{{- define "secmaster.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Volumes: /tmp and, when some credential is a file, the projected Secret items.
Usage: include "secmaster.volumes" (dict "root" $ "serve" false)
*/}}
{{- define "secmaster.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSizeLimit }}
{{- $files := include "secmaster.credentialFiles" . | fromYamlArray }}
{{- if $files }}
- name: credentials
  secret:
    secretName: {{ include "secmaster.secretName" .root }}
    # 0440: readable by the fsGroup the container runs with, by no one else.
    defaultMode: 288
    items:
      {{- toYaml $files | nindent 6 }}
{{- end }}
{{- end }}

{{/*
Volume mounts matching secmaster.volumes.
*/}}
{{- define "secmaster.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "secmaster.credentialFiles" . | fromYamlArray }}
- name: credentials
  mountPath: {{ include "secmaster.credentialsDir" . }}
  readOnly: true
{{- end }}
{{- end }}
