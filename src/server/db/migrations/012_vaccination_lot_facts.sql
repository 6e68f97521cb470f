-- Doses given from each lot, per commune of the people vaccinated (docs/vaccination.md, "Lots"):
-- kept with the coverage facts by every dose write (coverageFacts.ts), so the lots list sums a few
-- rows per lot instead of counting every dose of the province.
CREATE TABLE vaccination_lot_commune (
  province_code text NOT NULL,
  lot_id bigint NOT NULL,
  commune_code text NOT NULL,
  doses int NOT NULL,
  PRIMARY KEY (province_code, commune_code, lot_id)
);
CREATE INDEX vaccination_lot_commune_lot ON vaccination_lot_commune (province_code, lot_id);

-- The doses already recorded (a database made before this table).
INSERT INTO vaccination_lot_commune (province_code, lot_id, commune_code, doses)
SELECT d.province_code, d.lot_id, d.commune_code, count(*)
  FROM vaccine_dose d
  JOIN admin_unit c ON c.province_code = d.province_code AND c.code = d.commune_code AND c.level = 'commune'
 WHERE d.unit_path >= c.path AND d.unit_path < left(c.path, -1) || '0'
 GROUP BY 1, 2, 3;
