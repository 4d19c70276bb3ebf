#!/bin/sh
# emaint-egress GOLDEN — generated — do not edit by hand
# catalogue 1.0.0; agents: cca, cdca-v1, cdca-v2, cdca-v2-cca, meap-cca, meap-http, erds, rdms, backup (options: cca-activation)
# mode: exact; iot-port: both; sources: 10.20.0.0/24, 2001:db8:20::/64
# generated: 2026-11-21T09:00:00.000Z
# site: ACME Utrecht, floor 2
#
# Posts the aliases and the rules beside this script to the OPNsense API (25.1 or later)
# and applies them:
#
#   OPNSENSE_URL=https://192.0.2.1 sh emaint-egress.opnsense-apply.sh <host>_<user>_apikey.txt
#
# The key file is the one OPNsense downloads when an API key is made (System > Access >
# Users, the user's API keys: key=... and secret=... lines). The user needs the
# privileges "Firewall: Alias: Edit" and "Firewall: Rules [new]" ("Firewall: Automation:
# Filter" before 26.1). The key and secret reach curl in a temporary file, never on a
# command line. OPNSENSE_CA=<file.pem> names the CA of the web GUI's certificate when
# this system does not trust it. Needs curl and jq.
#
# Order: the aliases (api/firewall/alias/import, then reconfigure), each rule
# (api/firewall/filter/add_rule), then api/firewall/filter/apply. It stops at the first
# answer that is not a success and prints it; rules saved before a failure are not
# applied yet (Firewall > Rules shows them): fix the cause, delete them, run it again.
# Each run adds the rules again: delete the old ones first (search for eMaintenance).
set -eu

usage='usage: OPNSENSE_URL=https://<firewall> sh emaint-egress.opnsense-apply.sh <API key file>'
keyfile=${1:?$usage}
url=${OPNSENSE_URL:?$usage}
case $url in
  http://* | https://*) ;;
  *) echo "OPNSENSE_URL must start with https:// (or http://): $url" >&2; exit 2 ;;
esac
url=${url%/}
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

here=$(dirname "$0")
aliases=$here/emaint-egress.opnsense-aliases.json
rules=$here/emaint-egress.opnsense-rules.json

key=$(sed -n 's/^key=//p' "$keyfile" | tr -d '\r')
secret=$(sed -n 's/^secret=//p' "$keyfile" | tr -d '\r')
# OPNsense's keys and secrets are base64: nothing in them needs quoting in curl's config.
for value in "$key" "$secret"; do
  case $value in
    '' | *[!A-Za-z0-9+/=]*) echo "$keyfile: expected key=... and secret=... lines as OPNsense writes them" >&2; exit 2 ;;
  esac
done
config=$(mktemp)
trap 'rm -f "$config"' EXIT
chmod 600 "$config"
printf 'user = "%s:%s"\n' "$key" "$secret" >"$config"

# api PATH: posts the JSON on stdin to the API, prints the answer.
api() {
  if [ -n "${OPNSENSE_CA:-}" ]; then
    curl -sS --max-time 300 -K "$config" --cacert "$OPNSENSE_CA" -H 'Content-Type: application/json' --data-binary @- "$url/api/$1"
  else
    curl -sS --max-time 300 -K "$config" -H 'Content-Type: application/json' --data-binary @- "$url/api/$1"
  fi
}

# check TEST WHAT: the answer on stdin must pass the jq TEST, or the script stops.
check() {
  answer=$(cat)
  if printf '%s' "$answer" | jq -e "$1" >/dev/null 2>&1; then
    echo "ok: $2"
  else
    echo "failed: $2: $answer" >&2
    exit 1
  fi
}

jq -c '{data: {aliases: .aliases}}' "$aliases" | api firewall/alias/import | check '.status == "ok"' 'aliases imported'
printf '{}' | api firewall/alias/reconfigure | check '.status == "ok"' 'aliases applied'
jq -c '.rules[] | {rule}' "$rules" | while IFS= read -r body; do
  printf '%s' "$body" | api firewall/filter/add_rule | check '.result == "saved"' "rule $(printf '%s' "$body" | jq -r '.rule.description')"
done
printf '{}' | api firewall/filter/apply | check '.status | ascii_upcase | startswith("OK")' 'rules applied'
