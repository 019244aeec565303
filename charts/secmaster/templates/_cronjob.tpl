{{/*
One sync CronJob. Usage: include "secmaster.cronJob" (dict "root" $ "mode" "full")
*/}}
{{- define "secmaster.cronJob" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $job := index $v.cronJobs .mode }}
{{- $name := include "secmaster.cronJobName" . }}
{{- $component := printf "sync-%s" .mode }}
{{- include "secmaster.validateSecrets" $root }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ $name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "secmaster.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $component }}
  {{- with $v.cronJobAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  schedule: {{ $job.schedule | quote }}
  timeZone: {{ $job.timeZone | quote }}
  suspend: {{ $job.suspend }}
  # Two syncs of one env would only wait on each other's lock.
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $job.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: {{ $job.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $job.failedJobsHistoryLimit }}
  jobTemplate:
    metadata:
      labels:
        {{- include "secmaster.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $component }}
    spec:
      backoffLimit: {{ $job.backoffLimit }}
      activeDeadlineSeconds: {{ $job.activeDeadlineSeconds }}
      ttlSecondsAfterFinished: {{ $job.ttlSecondsAfterFinished }}
      podFailurePolicy:
        rules:
          # A configuration error (exit 2) or a refusing safety guard (exit 3) fails the
          # same way on every retry: fail the Job at once.
          - action: FailJob
            onExitCodes:
              containerName: secmaster
              operator: In
              values:
                {{- toYaml $v.podFailurePolicy.failJobExitCodes | nindent 16 }}
          # An evicted or preempted pod is not the run's fault: retry without counting it.
          - action: Ignore
            onPodConditions:
              - type: DisruptionTarget
                status: "True"
      template:
        metadata:
          labels:
            {{- include "secmaster.labels" $root | nindent 12 }}
            app.kubernetes.io/component: {{ $component }}
          {{- with $v.podAnnotations }}
          annotations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        spec:
          restartPolicy: Never
          serviceAccountName: {{ include "secmaster.serviceAccountName" $root }}
          automountServiceAccountToken: false
          enableServiceLinks: false
          {{- with $v.imagePullSecrets }}
          imagePullSecrets:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            {{- include "secmaster.podSecurityContext" $root | nindent 12 }}
          {{- with $v.priorityClassName }}
          priorityClassName: {{ . }}
          {{- end }}
          {{- with $v.nodeSelector }}
          nodeSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.tolerations }}
          tolerations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.affinity }}
          affinity:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          containers:
            - name: secmaster
              image: {{ include "secmaster.image" $root | quote }}
              imagePullPolicy: {{ $v.image.pullPolicy }}
              args: ["sync", "--mode", {{ .mode | quote }}]
              env:
                {{- include "secmaster.env" (dict "root" $root "serve" false) | nindent 16 }}
                {{- if and (eq .mode "incremental") $job.skipOutsideTradingHours }}
                # Exit 0 at once when Kalshi's /exchange/status says trading is not active.
                - name: SECMASTER_SKIP_OUTSIDE_TRADING_HOURS
                  value: "true"
                {{- end }}
              resources:
                {{- toYaml $job.resources | nindent 16 }}
              securityContext:
                {{- include "secmaster.containerSecurityContext" $root | nindent 16 }}
              volumeMounts:
                {{- include "secmaster.volumeMounts" (dict "root" $root "serve" false) | nindent 16 }}
          volumes:
            {{- include "secmaster.volumes" (dict "root" $root "serve" false) | nindent 12 }}
{{- end }}
