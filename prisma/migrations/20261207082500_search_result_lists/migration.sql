-- History search covers the results' lists too (lib/history/search-fields.ts: FocusSymbols, EnableConfigs, e-mail tags):
-- runs stored before get those words added to their search vector, so FocusSymbols ext4_dax_write_iter finds its run.
UPDATE jobs SET search_vector = coalesce(search_vector, ''::tsvector) || to_tsvector('simple', concat_ws(' ',
    (SELECT string_agg(v, ' ') FROM json_array_elements_text(CASE WHEN json_typeof(results -> 'FocusSymbols') = 'array' THEN results -> 'FocusSymbols' END) AS v),
    (SELECT string_agg(v, ' ') FROM json_array_elements_text(CASE WHEN json_typeof(results -> 'EnableConfigs') = 'array' THEN results -> 'EnableConfigs' END) AS v)))
WHERE json_typeof(results) = 'object'
  AND (json_typeof(results -> 'FocusSymbols') = 'array' OR json_typeof(results -> 'EnableConfigs') = 'array');
