-- People import: merged records keep their natural key, and the bookkeeping of indexes a bulk
-- load builds after the rows instead of row by row.

-- When two registry records are merged (people/merge.ts), the removed record's natural key (its
-- CCCD, or household + name + birth date) becomes an alias of the kept person: importing the
-- registry file it came from again updates the kept person instead of recreating the removed one.
-- A later merge of the kept person moves its aliases along; deleting the person drops them.
CREATE TABLE person_alias (
  province_code text NOT NULL,
  natural_key text NOT NULL,
  person_id bigint NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, natural_key),
  FOREIGN KEY (province_code, person_id) REFERENCES person (province_code, id) ON DELETE CASCADE
);
CREATE INDEX person_alias_person ON person_alias (province_code, person_id);

-- Secondary (non-unique) indexes dropped while a bulk import loads a table that holds fewer rows
-- than the file (imports/store.ts deferIndexes): building an index once over the loaded rows costs
-- about half of maintaining it row by row. Each row is the index's own definition, deleted when
-- the index is built again — at the end of the import or, after a crash, at the next start.
-- Deployment-wide bookkeeping (like schema_migration), not per-province data.
CREATE TABLE deferred_index (
  index_name text PRIMARY KEY,
  table_name text NOT NULL,
  definition text NOT NULL,
  deferred_at timestamptz NOT NULL DEFAULT now()
);
