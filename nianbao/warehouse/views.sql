-- Analyst views over the current version of every report (superseded_by IS NULL).
-- Wide views pivot the long `cells` table with FILTER aggregates; a NULL is a blank cell, never 0.
-- Column names are template codes (schemas/templates/template.toml); tests check they stay in step.

CREATE OR REPLACE VIEW report_parts AS
SELECT r.report_key, r.report_id, coalesce(r.part, 'document') AS part, r.status, r.format, r.source,
       row_number() OVER (
           PARTITION BY r.report_key
           ORDER BY r.status = 'failed', CASE coalesce(r.part, 'document') WHEN 'document' THEN 0 WHEN 'page' THEN 1 ELSE 2 END,
                    r.report_id DESC) AS part_rank
FROM reports r
WHERE r.superseded_by IS NULL;
COMMENT ON VIEW report_parts IS 'The current version of every part of every report: its page, its document, its statistics attachment. part_rank 1 is the primary part (document, then page, then attachment), whose report_id the views use.';
COMMENT ON COLUMN report_parts.part_rank IS '1 for the primary part of the report (metadata first from it), then the others.';

CREATE OR REPLACE VIEW current_reports AS
WITH parts AS (
    SELECT report_key, list(part ORDER BY part_rank) AS parts, list(report_id ORDER BY part_rank) AS part_ids
    FROM report_parts GROUP BY report_key
), meta AS (
    -- Metadata the primary part lacks comes from the page, then the document, then the attachment.
    SELECT p.report_key,
           (list(r.published ORDER BY CASE p.part WHEN 'page' THEN 0 WHEN 'document' THEN 1 ELSE 2 END)
                FILTER (WHERE r.published IS NOT NULL))[1] AS any_published,
           (list(r.title ORDER BY CASE p.part WHEN 'page' THEN 0 WHEN 'document' THEN 1 ELSE 2 END)
                FILTER (WHERE r.title IS NOT NULL))[1] AS any_title,
           (list(r.region_id ORDER BY p.part_rank) FILTER (WHERE r.region_id IS NOT NULL))[1] AS any_region_id
    FROM report_parts p JOIN reports r ON r.report_id = p.report_id
    GROUP BY p.report_key
)
SELECT r.* REPLACE (coalesce(r.published, m.any_published) AS published, coalesce(r.title, m.any_title) AS title,
                    coalesce(r.region_id, m.any_region_id) AS region_id),
       p.parts, p.part_ids,
       g.province, g.city, g.district, g.township, g.code AS region_code
FROM report_parts rp
JOIN reports r ON r.report_id = rp.report_id
JOIN parts p ON p.report_key = rp.report_key
JOIN meta m ON m.report_key = rp.report_key
LEFT JOIN regions g ON g.region_id = coalesce(r.region_id, m.any_region_id)
WHERE rp.part_rank = 1;
COMMENT ON VIEW current_reports IS 'One row per report (issuer + year), failed ones included: the primary part''s row, with metadata it lacks (published, title, region) taken from its other parts, and its region.';
COMMENT ON COLUMN current_reports.parts IS 'The parts found, primary first: document, page, attachment.';
COMMENT ON COLUMN current_reports.part_ids IS 'reports.report_id of each part, in the order of parts.';

CREATE OR REPLACE VIEW printed_cells AS
WITH carried AS (
    SELECT p.report_key, c.table_id, p.report_id AS part_report_id, p.part, p.part_rank, count(c.value) AS n_values
    FROM report_parts p JOIN cells c ON c.report_id = p.report_id
    GROUP BY ALL
), chosen AS (
    SELECT * FROM carried
    QUALIFY row_number() OVER (PARTITION BY report_key, table_id ORDER BY n_values = 0, part_rank) = 1
)
SELECT k.report_key, pr.report_id, k.part_report_id, k.part, c.* EXCLUDE (report_id)
FROM chosen k
JOIN report_parts pr ON pr.report_key = k.report_key AND pr.part_rank = 1
JOIN cells c ON c.report_id = k.part_report_id AND c.table_id = k.table_id;
COMMENT ON VIEW printed_cells IS 'The cells of every current report as printed (before any correction), each table from the part that carries it (the primary part when several do; a parts_disagree finding says when they differ). report_id is the report''s (primary part), part_report_id the part the cell was read from.';
COMMENT ON COLUMN printed_cells.part_report_id IS 'reports.report_id of the part the table was read from.';
COMMENT ON COLUMN printed_cells.part IS 'document, page or attachment: the part the table was read from.';

CREATE OR REPLACE VIEW current_cells AS
SELECT p.* REPLACE (
           CASE WHEN o.override_id IS NULL THEN p.value ELSE o.value END AS value,
           CASE WHEN o.override_id IS NULL THEN p.count
                WHEN coalesce(t.amount, false) THEN NULL ELSE CAST(o.value AS BIGINT) END AS count,
           CASE WHEN o.override_id IS NULL THEN p.amount
                WHEN coalesce(t.amount, false) THEN CAST(o.value AS DECIMAL(18, 6)) END AS amount,
           CASE WHEN o.override_id IS NULL THEN p.amount_unit
                WHEN coalesce(t.amount, false) THEN coalesce(p.amount_unit, t.unit) END AS amount_unit,
           CASE WHEN o.override_id IS NULL OR NOT coalesce(t.amount, false) THEN p.unit
                ELSE coalesce(p.amount_unit, t.unit) END AS unit
       ),
       o.override_id IS NOT NULL AS corrected,
       p.value AS printed_value,
       o.override_id,
       o.made_by AS corrected_by,
       o.made_at AS corrected_at,
       o.reason AS correction_reason
FROM printed_cells p
LEFT JOIN active_overrides o
  ON o.report_key = p.report_key AND o.table_id = p.table_id AND o.row_code = p.row_code AND o.col_code = p.col_code
LEFT JOIN template_columns t ON t.table_id = p.table_id AND t.col_code = p.col_code;
COMMENT ON VIEW current_cells IS 'The cells of every current report as analysts read them: the printed value (printed_cells) with the correction in force applied (nianbao override). Every view, export and API function reads this one. report_id is the report''s (primary part), part_report_id the part the cell was read from.';
COMMENT ON COLUMN current_cells.part_report_id IS 'reports.report_id of the part the table was read from.';
COMMENT ON COLUMN current_cells.part IS 'document, page or attachment: the part the table was read from.';
COMMENT ON COLUMN current_cells.value IS 'The current value: the correction where one applies (amounts then in amount_unit), else the number as printed. NULL = blank, never 0.';
COMMENT ON COLUMN current_cells.corrected IS 'TRUE when a correction applies: value, count and amount are the corrected ones, printed_value and raw what the report prints.';
COMMENT ON COLUMN current_cells.printed_value IS '印载值: the number as printed (cells.value), NULL for a blank or a marker.';
COMMENT ON COLUMN current_cells.override_id IS 'overrides.override_id of the correction applied; NULL when none.';
COMMENT ON COLUMN current_cells.corrected_by IS 'Who made the correction.';
COMMENT ON COLUMN current_cells.corrected_at IS 'When the correction was made (UTC).';
COMMENT ON COLUMN current_cells.correction_reason IS 'Why (e.g. confirmed by phone with the township office).';

CREATE OR REPLACE VIEW cells_analysed AS
SELECT c.report_id, c.part_report_id, c.part, c.table_id, c.block, c.row_code, c.col_code, c.row_label, c.col_label,
       c.printed_value AS printed, c.raw, c.unit, c.page, c.provenance,
       c.value AS analysed, c.override_id, c.correction_reason AS override_reason, c.corrected_by AS override_by,
       c.corrected_at AS override_at
FROM current_cells c;
COMMENT ON VIEW cells_analysed IS 'current_cells with both values side by side: printed (as extracted) and analysed (a correction where one applies).';
COMMENT ON COLUMN cells_analysed.part_report_id IS 'reports.report_id of the part (document, page, attachment) the cell was read from.';
COMMENT ON COLUMN cells_analysed.part IS 'The part the cell was read from.';
COMMENT ON COLUMN cells_analysed.printed IS 'The value as printed (cells.value): NULL for a blank or a marker.';
COMMENT ON COLUMN cells_analysed.analysed IS 'The value analysts use: the correction where one applies, else the printed value.';
COMMENT ON COLUMN cells_analysed.override_id IS 'overrides.override_id of the correction applied, NULL when none.';
COMMENT ON COLUMN cells_analysed.override_reason IS 'Why the cell was corrected.';
COMMENT ON COLUMN cells_analysed.override_by IS 'Who corrected it.';
COMMENT ON COLUMN cells_analysed.override_at IS 'When it was corrected (UTC).';

CREATE OR REPLACE VIEW current_findings AS
SELECT r.report_id, r.report_key, r.issuer, r.year, r.district, r.township, r.region_code,
       p.part, f.report_id AS part_report_id, p.part_rank, x.source,
       f.seq, f.origin, f.rule, f.severity, f.message, f.cells, f.expected, f.actual, f.source_inconsistent,
       CASE WHEN a.report_id IS NULL THEN 'open' ELSE 'corrected' END AS status,
       a.override_ids AS answered_by
FROM findings f
JOIN report_parts p ON p.report_id = f.report_id
JOIN reports x ON x.report_id = f.report_id
JOIN current_reports r ON r.report_key = p.report_key
LEFT JOIN findings_answered a ON a.report_id = f.report_id AND a.seq = f.seq;
COMMENT ON VIEW current_findings IS 'Every finding of every part of every current report, with its status: open, or corrected (已更正) when a correction answers it. The one definition of the findings analysts see: the run summary, nianbao findings, report_overview and read_findings count the open ones.';
COMMENT ON COLUMN current_findings.report_id IS 'current_reports.report_id (the primary part) of the report.';
COMMENT ON COLUMN current_findings.part IS 'The part the finding is about: document, page or attachment.';
COMMENT ON COLUMN current_findings.part_report_id IS 'findings.report_id: the part''s version the finding was recorded for.';
COMMENT ON COLUMN current_findings.part_rank IS 'report_parts.part_rank of that part (1 = primary).';
COMMENT ON COLUMN current_findings.source IS 'Location of the part''s file.';
COMMENT ON COLUMN current_findings.status IS 'open, or corrected (已更正): judged again on the corrected values, the finding no longer holds.';
COMMENT ON COLUMN current_findings.answered_by IS 'overrides.override_id of the corrections that answer it; NULL while open.';

-- active_disclosure, applications, review_litigation: generated from the template (warehouse/wide.py).

-- report_overview: generated from the headline figures of the template (warehouse/headlines.py).

COMMENT ON COLUMN current_reports.region_code IS 'regions.code (统计用区划代码) of the issuer.';

CREATE OR REPLACE VIEW coverage AS
WITH towns AS (
    SELECT * FROM regions WHERE township IS NOT NULL AND district IS NOT NULL
), reported AS (
    SELECT DISTINCT province, city, district, year FROM current_reports
    WHERE district IS NOT NULL AND year IS NOT NULL AND status <> 'failed'
), starts AS (
    -- Reports are due from the configured first_year of the district, else from the first year
    -- any of its townships published, up to the last year whose deadline (31 January) has passed.
    SELECT d.province, d.city, d.district,
           coalesce(max(c.first_year), min(y.year)) AS first_year,
           CAST(year(current_date) - CASE WHEN current_date > make_date(year(current_date), 1, 31) THEN 1 ELSE 2 END
                AS INTEGER) AS last_due
    FROM (SELECT DISTINCT province, city, district FROM towns) d
    LEFT JOIN regions c
      ON c.township IS NULL AND c.first_year IS NOT NULL AND c.district = d.district
     AND c.city IS NOT DISTINCT FROM d.city AND c.province IS NOT DISTINCT FROM d.province
    LEFT JOIN reported y
      ON y.district = d.district AND y.city IS NOT DISTINCT FROM d.city AND y.province IS NOT DISTINCT FROM d.province
    GROUP BY ALL
), years AS (
    SELECT province, city, district, CAST(unnest(range(first_year, last_due + 1)) AS INTEGER) AS year
    FROM starts WHERE first_year IS NOT NULL
    UNION
    SELECT province, city, district, year FROM reported
), grid AS (
    SELECT t.region_id, t.code AS region_code, t.province, t.city, t.district, t.township, y.year
    FROM towns t JOIN years y
      ON y.district = t.district AND y.city IS NOT DISTINCT FROM t.city AND y.province IS NOT DISTINCT FROM t.province
), found AS (
    SELECT g.*, r.report_id, r.issuer, r.published, r.variant_t2, r.variant_t3, r.parts,
           make_date(g.year + 1, 1, 31) AS deadline
    FROM grid g
    LEFT JOIN current_reports r ON r.region_id = g.region_id AND r.year = g.year AND r.status <> 'failed'
    QUALIFY row_number() OVER (PARTITION BY g.region_id, g.year ORDER BY r.published NULLS LAST, r.report_id) = 1
)
SELECT region_code, province, city, district, township, year, report_id, issuer, published,
       CASE WHEN report_id IS NULL THEN 'missing'
            WHEN published IS NULL THEN 'undated'
            WHEN published <= deadline THEN 'on_time'
            ELSE 'late' END AS status,
       CASE WHEN published > deadline THEN date_diff('day', deadline, published)
            WHEN published IS NOT NULL THEN 0 END AS days_late,
       report_id IS NOT NULL AS found,
       published <= deadline AS on_time,
       variant_t2, variant_t3, parts
FROM found
ORDER BY district, region_code, township, year;
COMMENT ON VIEW coverage IS 'Township × year for every configured district: which townships and streets (from the gazetteer, or sources.yaml for a fictional district) published their report for each year that is due, and whether on time (by 31 January of year+1, 条例第五十条). Years due: from the district''s first_year in sources.yaml, else the first year any of its townships published, up to the last year whose deadline has passed (a year in which no township published is listed, every township missing), and any later year with a report. Missing reports are rows of their own.';
COMMENT ON COLUMN coverage.region_code IS '统计用区划代码 of the township (12 digits).';
COMMENT ON COLUMN coverage.year IS 'Report year: every year due (see the view), and any later one with a report.';
COMMENT ON COLUMN coverage.report_id IS 'current_reports.report_id; NULL when the report is missing.';
COMMENT ON COLUMN coverage.issuer IS 'Issuer as stored (Simplified script); NULL when missing.';
COMMENT ON COLUMN coverage.published IS 'Publication date (from the page or the document).';
COMMENT ON COLUMN coverage.status IS 'on_time, late, missing, or undated (a report found without a date).';
COMMENT ON COLUMN coverage.days_late IS 'Days after 31 January of year+1; 0 when on time; NULL when missing or undated.';
COMMENT ON COLUMN coverage.found IS 'TRUE when a report was found.';
COMMENT ON COLUMN coverage.on_time IS 'TRUE on time, FALSE late, NULL missing or undated.';
COMMENT ON COLUMN coverage.variant_t2 IS 'Table-2 format of the report (2019 or 2021).';
COMMENT ON COLUMN coverage.variant_t3 IS 'Table-3 format of the report (2019 or 2021).';
COMMENT ON COLUMN coverage.parts IS 'Parts found: document, page, attachment.';

CREATE OR REPLACE VIEW measures AS
SELECT r.report_id, r.issuer, r.region_code, r.province, r.city, r.district, r.township, r.year,
       coalesce(CASE c.table_id WHEN 't2' THEN r.variant_t2 WHEN 't3' THEN r.variant_t3 END, r.variant_t3, r.variant_t2, '2021') AS format,
       c.table_id || '.' || c.row_code || '.' || c.col_code AS measure,
       coalesce(CAST(c.count AS DECIMAL(18, 6)), c.amount) AS value,
       c.amount_unit AS unit,
       x.kind,
       x.series,
       split_part(r.report_key, '|', 1) AS issuer_key,
       c.corrected,
       c.printed_value
FROM current_reports r
JOIN current_cells c ON c.report_id = r.report_id
LEFT JOIN crosswalk x
  ON x.table_id = c.table_id AND x.row_code = c.row_code AND x.col_code = c.col_code
 AND x.variant = coalesce(CASE c.table_id WHEN 't2' THEN r.variant_t2 WHEN 't3' THEN r.variant_t3 END, r.variant_t3, r.variant_t2, '2021')
WHERE r.status <> 'failed';
COMMENT ON VIEW measures IS 'Every value of every current report, long: one row per measure (table.row.column) with its format, its value on one unit and its comparable series across the 2019 and 2021 formats (crosswalk).';
COMMENT ON COLUMN measures.format IS 'Format of the table the value is in: 2019 or 2021.';
COMMENT ON COLUMN measures.measure IS 'Template cell code: table.row.column, e.g. t3.new.total.';
COMMENT ON COLUMN measures.value IS 'Counts as integers, amounts in unit; NULL = blank (never 0). The current value: a correction where one applies.';
COMMENT ON COLUMN measures.corrected IS 'TRUE when value is a correction (nianbao override; who, when, why in current_cells).';
COMMENT ON COLUMN measures.printed_value IS '印载值: the number as printed, in the printed unit (cells.value).';
COMMENT ON COLUMN measures.unit IS '万元 for money; NULL for counts.';
COMMENT ON COLUMN measures.kind IS 'same, derivable or not_comparable (crosswalk.kind).';
COMMENT ON COLUMN measures.series IS 'Comparable series across the formats; NULL when not comparable.';
COMMENT ON COLUMN measures.issuer_key IS 'Who the report is by across years: region code of the place, or the normalised issuer.';

CREATE OR REPLACE VIEW measure_series AS
WITH y AS (
    SELECT issuer_key, any_value(region_code) AS region_code, any_value(issuer) AS issuer,
           any_value(township) AS township, any_value(district) AS district, series, year,
           -- a derivable series sums its parts; one blank part leaves the sum blank
           CASE WHEN count(value) = count(*) THEN sum(value) END AS value,
           list(DISTINCT format) AS formats,
           bool_or(corrected) AS corrected
    FROM measures WHERE series IS NOT NULL
    GROUP BY issuer_key, series, year
)
SELECT a.issuer_key, a.region_code, a.issuer, a.district, a.township, a.series, a.year, a.value,
       b.value AS previous_value, a.value - b.value AS change, a.formats, b.formats AS previous_formats,
       a.corrected, b.corrected AS previous_corrected
FROM y a LEFT JOIN y b ON b.issuer_key = a.issuer_key AND b.series = a.series AND b.year = a.year - 1;
COMMENT ON VIEW measure_series IS 'Comparable series per issuer and year, with the previous year beside it: change = value - previous_value holds across the 2019 -> 2021 format change.';
COMMENT ON COLUMN measure_series.value IS 'The series value this year (derivable series summed; NULL if any part is blank).';
COMMENT ON COLUMN measure_series.previous_value IS 'The same series one year earlier.';
COMMENT ON COLUMN measure_series.change IS 'value - previous_value (year-over-year change); NULL when either is blank.';
COMMENT ON COLUMN measure_series.formats IS 'Formats the value was read from.';
COMMENT ON COLUMN measure_series.previous_formats IS 'Formats of the previous year.';
COMMENT ON COLUMN measure_series.corrected IS 'TRUE when a value the series is made of is a correction (measures.corrected).';
COMMENT ON COLUMN measure_series.previous_corrected IS 'The same for the previous year.';
