-- TEMPORARY (issue 10, helper "analyst"): the "places" helper is adding the real `coverage` view.
-- Until it lands, this derives it from regions and reports so the district outputs can be built
-- and tested against the agreed columns. Delete this file (and its line in store.py) then.
CREATE OR REPLACE VIEW coverage AS
WITH places AS (
    SELECT DISTINCT province, city, district, township, code FROM regions
    WHERE township IS NOT NULL AND district IS NOT NULL
), years AS (
    SELECT DISTINCT district, year FROM current_reports WHERE year IS NOT NULL AND district IS NOT NULL
), cur AS (
    SELECT r.*, (SELECT count(*) FROM sources s WHERE s.sha256 = r.sha256) AS n_parts
    FROM current_reports r WHERE r.status <> 'failed'
    QUALIFY row_number() OVER (PARTITION BY r.district, r.township, r.year ORDER BY r.report_id DESC) = 1
)
SELECT p.code AS region_code, p.province, p.city, p.district, p.township, y.year,
       r.report_id, r.issuer, r.published,
       CASE WHEN r.report_id IS NULL THEN 'missing'
            WHEN r.published IS NULL THEN NULL
            WHEN r.published <= make_date(y.year + 1, 1, 31) THEN 'on_time'
            ELSE 'late' END AS status,
       CASE WHEN r.published > make_date(y.year + 1, 1, 31)
            THEN date_diff('day', make_date(y.year + 1, 1, 31), r.published) END AS days_late,
       r.variant_t2, r.variant_t3, r.n_parts AS parts
FROM places p
JOIN years y ON y.district = p.district
LEFT JOIN cur r ON r.district = p.district AND r.township = p.township AND r.year = y.year;
COMMENT ON VIEW coverage IS 'TEMPORARY (until the places helper''s view lands): one row per township and report year of its district, the report or NULL when missing, and on_time/late/missing against 1月31日.';
COMMENT ON COLUMN coverage.status IS 'on_time, late or missing; NULL when a report has no publication date.';
COMMENT ON COLUMN coverage.days_late IS 'Days after 1月31日 of the next year, for late reports.';
COMMENT ON COLUMN coverage.parts IS 'Files the report was read from.';
