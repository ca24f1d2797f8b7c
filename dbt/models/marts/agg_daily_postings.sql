with

postings as (

    select * from {{ ref('fct_job_postings') }}

),

daily as (

    select
        posted_date,
        source,
        -- ZZ is ISO 3166's code for "unknown": no country stated, or a worldwide remote posting
        coalesce(country_code, 'ZZ') as country_code,
        is_remote,

        count(*) as postings,
        count(*) filter (where is_remote) as remote_postings,
        count(salary_annual_usd_mid) as postings_with_salary,
        median(salary_annual_usd_mid) as median_salary_annual_usd

    from postings
    group by 1, 2, 3, 4

)

select * from daily
