// emaint-egress GOLDEN — generated — do not edit by hand
// catalogue 1.0.0; agents: cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup (options: cca-activation)
// mode: exact; iot-port: both; sources: 10.20.0.0/24, 2001:db8:20::/64
// generated: 2026-11-21T09:00:00.000Z
// site: ACME Utrecht, floor 2
// route: eMaintenance hosts PROXY proxy.example.test:3128, everything else DIRECT
//
// 21 names (exact mode) go PROXY proxy.example.test:3128; everything else goes DIRECT.
// No DNS lookups: names are compared as text, so a look-alike such as
// "xcognito-identity.eu-central-1.amazonaws.com" never matches "cognito-identity.eu-central-1.amazonaws.com".
// A PAC file steers only HTTP(S) clients: the devices' MQTT on tcp/8883 to
// a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com needs a firewall rule, or a proxy
// that allows CONNECT to port 8883 (Squid refuses CONNECT to ports outside SSL_ports
// by default).

function FindProxyForURL(url, host) {
  var MATCH = "PROXY proxy.example.test:3128";
  var OTHER = "DIRECT";
  host = host.toLowerCase();
  if (host.charAt(host.length - 1) === ".") host = host.substring(0, host.length - 1);

  // cognito-identity.eu-central-1.amazonaws.com: tcp/443 for cca, cdca-v2-cca, meap-cca, backup
  if (host === "cognito-identity.eu-central-1.amazonaws.com") return MATCH;

  // a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com: tcp/443, tcp/8883 for cca, cdca-v2-cca, meap-cca, backup; client-certificate TLS: exempt from TLS inspection
  if (host === "a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com") return MATCH;

  // kinesis.eu-central-1.amazonaws.com: tcp/443 for cca, cdca-v2-cca, meap-cca, backup
  if (host === "kinesis.eu-central-1.amazonaws.com") return MATCH;

  // gdlp01.c-wss.com: tcp/443 for cdca-v2, cdca-v2-cca
  if (host === "gdlp01.c-wss.com") return MATCH;

  // cam-ec1.srv.ygles.com: tcp/443 for cdca-v2, cdca-v2-cca
  if (host === "cam-ec1.srv.ygles.com") return MATCH;

  // camapi.srv.ygles.com: tcp/443 for cca, cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "camapi.srv.ygles.com") return MATCH;

  // camapi-ec1.srv.ygles.com: tcp/443 for cca, cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "camapi-ec1.srv.ygles.com") return MATCH;

  // camapis.srv.ygles.com: tcp/443 for cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "camapis.srv.ygles.com") return MATCH;

  // camapis-ec1.srv.ygles.com: tcp/443 for cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "camapis-ec1.srv.ygles.com") return MATCH;

  // cnvextdata-an1s.srv.ygles.com: tcp/443 for erds, backup
  if (host === "cnvextdata-an1s.srv.ygles.com") return MATCH;

  // dcf-ec1.srv.ygles.com: tcp/443 for backup
  if (host === "dcf-ec1.srv.ygles.com") return MATCH;

  // hbp-ec1l.srv.ygles.com: tcp/443 for cca, cdca-v2-cca, meap-cca, backup
  if (host === "hbp-ec1l.srv.ygles.com") return MATCH;

  // hbpm-ec1l.srv.ygles.com: tcp/443 for cca, cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "hbpm-ec1l.srv.ygles.com") return MATCH;

  // mds-ec1.srv.ygles.com: tcp/443 for cdca-v2, cdca-v2-cca, meap-cca
  if (host === "mds-ec1.srv.ygles.com") return MATCH;

  // rgt.srv.ygles.com: tcp/443 for cca, cdca-v2, cdca-v2-cca, meap-cca, backup
  if (host === "rgt.srv.ygles.com") return MATCH;

  // www-ec1.srv.ygles.com: tcp/443 for cdca-v2, cdca-v2-cca
  if (host === "www-ec1.srv.ygles.com") return MATCH;

  // a02.c-cdsknn.net: tcp/443 for rdms
  if (host === "a02.c-cdsknn.net") return MATCH;

  // device.c-cdsknn.net: tcp/443 for rdms
  if (host === "device.c-cdsknn.net") return MATCH;

  // device02.c-cdsknn.net: tcp/443 for rdms
  if (host === "device02.c-cdsknn.net") return MATCH;

  // a01.ugwdevice.net: tcp/443 for meap-http, erds, backup
  if (host === "a01.ugwdevice.net") return MATCH;

  // b01.ugwdevice.net: tcp/443 for cdca-v1, meap-http, erds, backup
  if (host === "b01.ugwdevice.net") return MATCH;

  return OTHER;
}
