// emaint-egress GOLDEN — generated — do not edit by hand
// catalogue 1.0.0; agents: cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup (options: cca-activation)
// mode: wildcard; iot-port: both; sources: 10.20.0.0/24, 2001:db8:20::/64
// generated: 2026-11-21T09:00:00.000Z
// site: ACME Utrecht, floor 2
// route: eMaintenance hosts PROXY proxy.example.test:3128, everything else DIRECT
// warning: *.srv.ygles.com opens every host under srv.ygles.com; the agents need 12 of its hosts
// warning: *.amazonaws.com opens all of AWS, every service in every region, including storage any third party controls: a data-exfiltration path; the agents need 3 of its hosts
// warning: *.c-cdsknn.net opens every host under c-cdsknn.net; the agents need 3 of its hosts
// warning: *.ugwdevice.net opens every host under ugwdevice.net; the agents need 2 of its hosts
// warning: gdlp01.c-wss.com: no vendor wildcard covers it; allowed by its exact name
//
// 6 names (wildcard mode) go PROXY proxy.example.test:3128; everything else goes DIRECT.
// No DNS lookups: names are compared as text, so a look-alike such as
// "xa2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com" never matches "a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com".
// A PAC file steers only HTTP(S) clients: the devices' MQTT on tcp/8883 to
// a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com needs a firewall rule, or a proxy
// that allows CONNECT to port 8883 (Squid refuses CONNECT to ports outside SSL_ports
// by default).

function FindProxyForURL(url, host) {
  var MATCH = "PROXY proxy.example.test:3128";
  var OTHER = "DIRECT";
  host = host.toLowerCase();
  if (host.charAt(host.length - 1) === ".") host = host.substring(0, host.length - 1);

  // *.amazonaws.com: tcp/443 for cca, cdca-v2-cca, meap-cca, backup; vendor wildcard for 3 planned hosts; client-certificate TLS: exempt from TLS inspection
  if (dnsDomainIs(host, ".amazonaws.com")) return MATCH;

  // a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com: tcp/8883 for cca, backup; client-certificate TLS: exempt from TLS inspection
  if (host === "a2etju7iem1tgc-ats.iot.eu-central-1.amazonaws.com") return MATCH;

  // gdlp01.c-wss.com: tcp/443 for cdca-v2, cdca-v2-cca
  if (host === "gdlp01.c-wss.com") return MATCH;

  // *.srv.ygles.com: tcp/443 for cca, cdca-v2, cdca-v2-cca, meap-cca, erds, backup; vendor wildcard for 12 planned hosts
  if (dnsDomainIs(host, ".srv.ygles.com")) return MATCH;

  // *.c-cdsknn.net: tcp/443 for rdms; vendor wildcard for 3 planned hosts
  if (dnsDomainIs(host, ".c-cdsknn.net")) return MATCH;

  // *.ugwdevice.net: tcp/443 for cdca-v1, meap-http, erds, backup; vendor wildcard for 2 planned hosts
  if (dnsDomainIs(host, ".ugwdevice.net")) return MATCH;

  return OTHER;
}
