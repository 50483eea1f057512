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

CREATE OR REPLACE VIEW current_cells AS
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
COMMENT ON VIEW current_cells IS 'The cells of every current report, each table from the part that carries it (the primary part when several do; a parts_disagree finding says when they differ). report_id is the report''s (primary part), part_report_id the part the cell was read from.';
COMMENT ON COLUMN current_cells.part_report_id IS 'reports.report_id of the part the table was read from.';
COMMENT ON COLUMN current_cells.part IS 'document, page or attachment: the part the table was read from.';

-- active_disclosure, applications, review_litigation: generated from the template (warehouse/wide.py).

CREATE OR REPLACE VIEW report_overview AS
WITH head AS (
    SELECT
        c.report_id,
        max(c.count) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'new' AND c.col_code = 'total')        AS applications_new,
        max(c.count) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'carried_in' AND c.col_code = 'total') AS applications_carried_in,
        max(c.count) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'r7_total' AND c.col_code = 'total')   AS applications_handled,
        max(c.count) FILTER (WHERE c.table_id = 't3' AND c.row_code = 'carry_over' AND c.col_code = 'total') AS applications_carry_over,
        max(c.count) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'review' AND c.col_code = 'total')     AS review_total,
        max(c.count) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'suit_direct' AND c.col_code = 'total') AS suit_direct_total,
        max(c.count) FILTER (WHERE c.table_id = 't4' AND c.row_code = 'suit_after_review' AND c.col_code = 'total') AS suit_after_review_total,
        count(*) AS n_cells,
        count(c.value) AS n_values
    FROM current_cells c
    GROUP BY c.report_id
), checks AS (
    SELECT
        p.report_key,
        count(*) FILTER (WHERE severity = 'error')   AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(*) FILTER (WHERE severity = 'info')    AS infos
    FROM findings f JOIN report_parts p ON p.report_id = f.report_id
    GROUP BY p.report_key
)
SELECT
    r.report_id, r.issuer, r.province, r.city, r.district, r.township, r.region_code, r.year,
    r.variant_t2, r.variant_t3, r.status, r.published, r.version, r.source, r.sha256,
    h.applications_new, h.applications_carried_in, h.applications_handled, h.applications_carry_over,
    h.review_total, h.suit_direct_total, h.suit_after_review_total,
    h.suit_direct_total + h.suit_after_review_total AS suits_total,
    coalesce(h.n_cells, 0) AS n_cells, coalesce(h.n_values, 0) AS n_values,
    coalesce(k.errors, 0) AS errors, coalesce(k.warnings, 0) AS warnings, coalesce(k.infos, 0) AS infos
FROM current_reports r
LEFT JOIN head h ON h.report_id = r.report_id
LEFT JOIN checks k ON k.report_key = r.report_key;
COMMENT ON VIEW report_overview IS 'One row per current report: issuer, region, year, headline figures (NULL where the cell is blank) and finding counts by severity.';
COMMENT ON COLUMN report_overview.applications_new IS 'Table 3 一、本年新收 总计.';
COMMENT ON COLUMN report_overview.applications_carried_in IS 'Table 3 二、上年结转 总计.';
COMMENT ON COLUMN report_overview.applications_handled IS 'Table 3 （七）总计 总计 (applications handled this year).';
COMMENT ON COLUMN report_overview.applications_carry_over IS 'Table 3 四、结转下年度继续办理 总计.';
COMMENT ON COLUMN report_overview.review_total IS 'Table 4 行政复议 总计.';
COMMENT ON COLUMN report_overview.suit_direct_total IS 'Table 4 行政诉讼 未经复议直接起诉 总计.';
COMMENT ON COLUMN report_overview.suit_after_review_total IS 'Table 4 行政诉讼 复议后起诉 总计.';
COMMENT ON COLUMN report_overview.suits_total IS 'suit_direct_total + suit_after_review_total; NULL if either is blank.';
COMMENT ON COLUMN report_overview.n_cells IS 'Cells extracted (blank ones included).';
COMMENT ON COLUMN report_overview.n_values IS 'Cells with a number (not blank).';
COMMENT ON COLUMN report_overview.errors IS 'Findings of severity error (all parts of the report).';
COMMENT ON COLUMN report_overview.warnings IS 'Findings of severity warning.';
COMMENT ON COLUMN report_overview.infos IS 'Findings of severity info.';
COMMENT ON COLUMN current_reports.region_code IS 'regions.code (统计用区划代码) of the issuer.';

CREATE OR REPLACE VIEW coverage AS
WITH towns AS (
    SELECT * FROM regions WHERE township IS NOT NULL AND district IS NOT NULL
), years AS (
    SELECT DISTINCT province, city, district, year FROM current_reports
    WHERE district IS NOT NULL AND year IS NOT NULL AND status <> 'failed'
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
COMMENT ON VIEW coverage IS 'Township × year for every configured district: which townships and streets (from the gazetteer, or sources.yaml for a fictional district) published their report for each year any township of the district did, and whether on time (by 31 January of year+1, 条例第五十条). Missing reports are rows of their own.';
COMMENT ON COLUMN coverage.region_code IS '统计用区划代码 of the township (12 digits).';
COMMENT ON COLUMN coverage.year IS 'Report year; the years any report of the district covers.';
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
       split_part(r.report_key, '|', 1) AS issuer_key
FROM current_reports r
JOIN current_cells c ON c.report_id = r.report_id
LEFT JOIN crosswalk x
  ON x.table_id = c.table_id AND x.row_code = c.row_code AND x.col_code = c.col_code
 AND x.variant = coalesce(CASE c.table_id WHEN 't2' THEN r.variant_t2 WHEN 't3' THEN r.variant_t3 END, r.variant_t3, r.variant_t2, '2021')
WHERE r.status <> 'failed';
COMMENT ON VIEW measures IS 'Every value of every current report, long: one row per measure (table.row.column) with its format, its value on one unit and its comparable series across the 2019 and 2021 formats (crosswalk).';
COMMENT ON COLUMN measures.format IS 'Format of the table the value is in: 2019 or 2021.';
COMMENT ON COLUMN measures.measure IS 'Template cell code: table.row.column, e.g. t3.new.total.';
COMMENT ON COLUMN measures.value IS 'Counts as integers, amounts in unit; NULL = blank (never 0).';
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
           list(DISTINCT format) AS formats
    FROM measures WHERE series IS NOT NULL
    GROUP BY issuer_key, series, year
)
SELECT a.issuer_key, a.region_code, a.issuer, a.district, a.township, a.series, a.year, a.value,
       b.value AS previous_value, a.value - b.value AS change, a.formats, b.formats AS previous_formats
FROM y a LEFT JOIN y b ON b.issuer_key = a.issuer_key AND b.series = a.series AND b.year = a.year - 1;
COMMENT ON VIEW measure_series IS 'Comparable series per issuer and year, with the previous year beside it: change = value - previous_value holds across the 2019 -> 2021 format change.';
COMMENT ON COLUMN measure_series.value IS 'The series value this year (derivable series summed; NULL if any part is blank).';
COMMENT ON COLUMN measure_series.previous_value IS 'The same series one year earlier.';
COMMENT ON COLUMN measure_series.change IS 'value - previous_value (year-over-year change); NULL when either is blank.';
COMMENT ON COLUMN measure_series.formats IS 'Formats the value was read from.';
COMMENT ON COLUMN measure_series.previous_formats IS 'Formats of the previous year.';
