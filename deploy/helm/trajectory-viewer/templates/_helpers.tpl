{{- define "tv.name" -}}{{ .Release.Name }}-trajectory-viewer{{- end -}}
{{- define "tv.labels" -}}
app.kubernetes.io/name: trajectory-viewer
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
