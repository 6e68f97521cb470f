-- Health declarations (docs/checkins.md, "Health declarations").
--
-- 1. A declaration that declares a contact (with a case, with someone from an affected area, with
--    someone with symptoms) gives the destination commune's community team a task to check it,
--    like an arrival from an outbreak area does.
DO $$
DECLARE
  def text;
BEGIN
  SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c WHERE c.conrelid = 'task'::regclass AND c.conname = 'task_kind_check';
  IF def IS NULL THEN
    RAISE EXCEPTION 'task_kind_check not found';
  END IF;
  IF position('''check_declared_contact''' IN def) = 0 THEN
    ALTER TABLE task DROP CONSTRAINT task_kind_check;
    EXECUTE 'ALTER TABLE task ADD CONSTRAINT task_kind_check ' || replace(def, 'ARRAY[', 'ARRAY[''check_declared_contact''::text, ');
  END IF;
END
$$;

-- 2. The districts of every province of the country (GSO codes), kept from the national units file
--    when the deployment's province is imported: the declaration form names the district of another
--    province a traveller came from, which the province's list of level 3–4 areas can name. Reference
--    data, not a jurisdiction: nobody's scope is read from it. Empty for the two-level structure.
CREATE TABLE IF NOT EXISTS gso_district (
  province_code text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  PRIMARY KEY (province_code, code)
);
