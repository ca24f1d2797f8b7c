with

postings as (

    select * from {{ ref('int_postings_latest') }}

),

final as (

    select

        ----------  ids
        job_id,
        source,
        source_job_id,
        duplicate_group,
        case when nullif(trim(company), '') is not null then md5(lower(trim(company))) end as company_key,

        ----------  text
        title,
        company,
        city,
        region,
        country_code,
        employment_type,
        seniority,
        role_family,
        skills,
        description_text,
        url,

        ----------  booleans
        is_remote,

        ----------  numerics
        salary_min,
        salary_max,
        salary_currency,
        salary_period,
        salary_annual_usd_min,
        salary_annual_usd_max,
        coalesce(
            (salary_annual_usd_min + salary_annual_usd_max) / 2, salary_annual_usd_min, salary_annual_usd_max
        ) as salary_annual_usd_mid,

        ----------  dates and timestamps
        posted_at,
        -- the UTC calendar day; a posting whose source gives no date counts on the day it was first seen
        coalesce(cast(timezone('UTC', posted_at) as date), first_seen_date) as posted_date,
        first_seen_date,
        ingest_date

    from postings

)

select * from final
