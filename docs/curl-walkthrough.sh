#!/usr/bin/env bash
# A whole building permit case driven with curl against a running `amtsweg demo`
# (default http://127.0.0.1:8080; set BASE to change). Needs curl and jq.
# Run: ./docs/curl-walkthrough.sh      (CI runs it too, so it stays true)
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
PW=Demo-Passwort-2026
json() { curl -sS --fail-with-body -H 'Content-Type: application/json' "$@"; }

echo "== 1. Register an applicant and log in (bearer token)"
EMAIL="walkthrough-$(date +%s)-$RANDOM@example.org"
json -X POST "$BASE/api/v1/accounts" \
  -d "{\"email\":\"$EMAIL\",\"password\":\"ein-langes-Passwort-1\",\"display_name\":\"Zoë Dvořák\",\"role\":\"applicant\"}" >/dev/null
APPLICANT=$(json -X POST "$BASE/api/v1/sessions" -d "{\"email\":\"$EMAIL\",\"password\":\"ein-langes-Passwort-1\"}" | jq -r .token)
A=(-H "Authorization: Bearer $APPLICANT")

echo "== 2. Start a draft and fill in the form"
DRAFT=$(json "${A[@]}" -X POST "$BASE/api/v1/drafts" -d '{"service_id":"baugenehmigung"}' | jq -r .id)
json "${A[@]}" -X PATCH "$BASE/api/v1/drafts/$DRAFT" -d '{"fields":{
  "applicant_kind":"person","applicant_given_name":"Zoë","applicant_family_name":"Dvořák",
  "applicant_street":"Hauptstraße 12a","applicant_postal_code":"70173","applicant_city":"Stuttgart",
  "applicant_email":"zoe@example.org","architect_name":"Łucja Nguyễn","architect_chamber_number":"BW-12345",
  "representative_present":"false","project_description":"Neubau eines Einfamilienhauses mit Garage",
  "building_class":"1","storeys":"2","dwelling_units":"1","gross_floor_area":"180","construction_cost":"350000",
  "site_street":"Am Weinberg 3","site_postal_code":"70597","site_city":"Stuttgart",
  "site_cadastral_district":"Degerloch","site_flur":"4","site_parcel":"1234/5",
  "procedure_type":"simplified","deviations_requested":"false"}}' | jq -c '{missing_documents}'

echo "== 3. Upload the required documents (the body is the file; its type is checked by content)"
PDF=$(mktemp); printf '%%PDF-1.4\n%% Bauvorlage\n%%%%EOF\n' >"$PDF"
for TYPE in lageplan bauzeichnungen baubeschreibung bauvorlageberechtigung; do
  curl -sS --fail-with-body "${A[@]}" --data-binary "@$PDF" \
    "$BASE/api/v1/drafts/$DRAFT/documents?document_type=$TYPE&file_name=$TYPE.pdf" | jq -c '{document_type, size_bytes}'
done

echo "== 4. Submit (a retry with the same Idempotency-Key returns the same case)"
RECEIPT=$(json "${A[@]}" -H "Idempotency-Key: $DRAFT" -X POST "$BASE/api/v1/drafts/$DRAFT/submit")
echo "$RECEIPT" | jq -c .
CASE=$(echo "$RECEIPT" | jq -r .case_id)

echo "== 5. The caseworker finds it in the inbox and takes it over"
CW=$(json -X POST "$BASE/api/v1/sessions" -d "{\"email\":\"sachbearbeitung@demo.amtsweg.de\",\"password\":\"$PW\"}" | jq -r .token)
C=(-H "Authorization: Bearer $CW")
json "${C[@]}" "$BASE/api/v1/cases?q=$(echo "$RECEIPT" | jq -r .file_number)" | jq -c '.[] | {file_number, state, applicant_name}'
json "${C[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" -d '{"action":"take_over"}' | jq -c '{state}'

echo "== 6. Completeness check: request a missing document with a deadline"
DEADLINE=$(date -d '+14 days' +%F)
json "${C[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" \
  -d "{\"action\":\"request_documents\",\"defects\":[\"Die Berechnung der Abstandsflächen fehlt.\"],\"deadline\":\"$DEADLINE\"}" | jq -c '{state, next_deadline}'

echo "== 7. The applicant reads the mailbox, uploads the supplement and hands it in"
json "${A[@]}" "$BASE/api/v1/mailbox" | jq -r '.[0].subject'
curl -sS --fail-with-body "${A[@]}" --data-binary "@$PDF" \
  "$BASE/api/v1/cases/$CASE/supplements?document_type=berechnungen&file_name=abstandsflaechen.pdf" | jq -c '{origin}'
json "${A[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" -d '{"action":"supply_documents"}' | jq -c '{state}'

echo "== 8. Complete, approve with conditions (kinds from XBau nebenbestimmungart), issue the notice"
json "${C[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" -d '{"action":"confirm_complete"}' | jq -c '{state}'
json "${C[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" -d '{"action":"approve","conditions":[
  {"kind":"2","text":"Vor Baubeginn sind zwei Stellplätze herzustellen."},
  {"kind":"4","text":"Der Baubeginn ist eine Woche vorher anzuzeigen."}]}' | jq -c '{state}'
json "${C[@]}" -X POST "$BASE/api/v1/cases/$CASE/actions" -d '{"action":"issue_notice"}' | jq -c '{state, notice_document_id}'

echo "== 9. The applicant retrieves the notice (the first retrieval is recorded)"
curl -sS --fail-with-body "${A[@]}" -o notice.pdf "$BASE/api/v1/cases/$CASE/notice"
head -c 8 notice.pdf; echo
json "${A[@]}" "$BASE/api/v1/cases/$CASE" | jq -c '{state, portal_status, events: [.events[].kind]}'

echo "== 10. Errors are problem details"
curl -sS -H "Accept-Language: en" "${A[@]}" "$BASE/api/v1/cases/00000000-0000-0000-0000-000000000000" | jq -c .
rm -f "$PDF" notice.pdf
