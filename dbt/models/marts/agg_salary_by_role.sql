with

salaried as (

    select
        coalesce(nullif(trim(role_family), ''), 'not stated') as role_family,
        coalesce(nullif(trim(seniority), ''), 'not stated') as seniority,
        -- ZZ as in agg_daily_postings: no country stated, or worldwide
        coalesce(country_code, 'ZZ') as country_code,
        salary_annual_usd_mid

    from {{ ref('fct_job_postings') }}
    where salary_annual_usd_mid is not null

),

cells as (

    select
        role_family,
        seniority,
        country_code,
        count(*) as salaried_postings,
        quantile_cont(salary_annual_usd_mid, 0.25) as salary_p25_annual_usd,
        quantile_cont(salary_annual_usd_mid, 0.50) as salary_p50_annual_usd,
        quantile_cont(salary_annual_usd_mid, 0.75) as salary_p75_annual_usd

    from salaried
    group by 1, 2, 3
    -- a percentile of one or two salaries says little: publish only cells with enough of them
    having count(*) >= {{ var('salary_min_sample') | int }}

)

select * from cells
