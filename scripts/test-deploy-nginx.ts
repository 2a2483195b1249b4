// The nginx configuration of the tested topology, written once: scripts/test-deploy.ts runs it on loopback and
// deploy/nginx/nginx.conf (compose.yaml's proxy) is the same text for containers — a test checks they agree.

export interface NginxOptions {
  /** what `listen` takes: "127.0.0.1:3291 ssl", "443 ssl" */
  listen: string;
  /** the app instances, host:port */
  upstreams: string[];
  /** folder of cert.pem and key.pem */
  certDir: string;
  /** a folder for nginx's pid, logs and temp files when it runs outside its system folders (the test) */
  runDir?: string;
  /** the `user` line (nginx started as root drops to it) */
  user?: string;
}

/** nginx.conf for TLS in front of the app instances: SSE unbuffered, imports streamed, the client address forwarded. */
export function nginxConfig(o: NginxOptions): string {
  const run = o.runDir;
  return `# Made by scripts/test-deploy-nginx.ts (the tested topology); docs/deploy.md explains each part.
${o.user ? `user ${o.user};\n` : ""}worker_processes auto;
${run ? `daemon off;\npid ${run}/nginx.pid;\nerror_log ${run}/nginx-error.log warn;\n` : ""}events { worker_connections 1024; }
http {
${
  run
    ? `  access_log ${run}/nginx-access.log;
  client_body_temp_path ${run}/nginx-body;
  proxy_temp_path ${run}/nginx-proxy;
  fastcgi_temp_path ${run}/nginx-fastcgi;
  uwsgi_temp_path ${run}/nginx-uwsgi;
  scgi_temp_path ${run}/nginx-scgi;
`
    : ""
}  upstream app {
${o.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=5s;`).join("\n")}
    keepalive 16;
  }
  server {
    listen ${o.listen};
    server_name _;
    ssl_certificate ${o.certDir}/cert.pem;
    ssl_certificate_key ${o.certDir}/key.pem;
    # Imports: 200 MB per request (lib/limits.ts).
    client_max_body_size 200m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    # The app reads the client's address from here only when the request comes from TRUSTED_PROXIES.
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto https;
    # A request that found an instance down goes to the other one (nginx never repeats a POST; agents retry theirs).
    proxy_next_upstream error timeout http_502;
    add_header X-Upstream $upstream_addr always;
    location / {
      proxy_pass http://app;
    }
    # Live runs: server-sent events as they come, on a long-lived connection.
    location ~ ^/api/jobs/[^/]+/events$ {
      proxy_pass http://app;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
    # Imports: the body streams to the app, which spools a large one to disk itself.
    location = /api/import {
      proxy_pass http://app;
      proxy_request_buffering off;
      proxy_read_timeout 15m;
    }
  }
}
`;
}

/** deploy/nginx/nginx.conf: the same for compose.yaml's nginx service (certificates mounted at /etc/nginx/certs). */
export const COMPOSE_NGINX: NginxOptions = { listen: "443 ssl", upstreams: ["app1:3000", "app2:3000"], certDir: "/etc/nginx/certs" };
