-- Vaccination reads by person from the index alone (docs/vaccination.md, "How it is kept fast").
-- The unique key (province, person, kind) also carries the product and the date, so a person's
-- doses — for the schedule engine of a sweep list, the coverage facts, the import's checks — are
-- read without visiting the table. It replaces the former key's index (no extra index to write).
ALTER TABLE vaccine_dose ADD CONSTRAINT vaccine_dose_person_kind UNIQUE (province_code, person_id, dose_kind) INCLUDE (product_code, given_on);
ALTER TABLE vaccine_dose DROP CONSTRAINT vaccine_dose_province_code_person_id_dose_kind_key;
