with

source as (

    select * from {{ source('silver', 'jobs') }}

),

renamed as (

    select

        ----------  ids
        cast(job_id as varchar) as job_id,
        cast(source as varchar) as source,
        cast(source_job_id as varchar) as source_job_id,
        cast(duplicate_group as varchar) as duplicate_group,

        ----------  text
        cast(title as varchar) as title,
        cast(company as varchar) as company,
        cast(city as varchar) as city,
        cast(region as varchar) as region,
        cast(country_code as varchar) as country_code,
        cast(employment_type as varchar) as employment_type,
        cast(seniority as varchar) as seniority,
        cast(role_family as varchar) as role_family,
        cast(skills as varchar[]) as skills,
        cast(description_text as varchar) as description_text,
        cast(url as varchar) as url,

        ----------  booleans
        cast(is_remote as boolean) as is_remote,

        ----------  numerics
        cast(salary_min as double) as salary_min,
        cast(salary_max as double) as salary_max,
        cast(salary_currency as varchar) as salary_currency,
        cast(salary_period as varchar) as salary_period,
        cast(salary_source as varchar) as salary_source,
        cast(salary_annual_usd_min as double) as salary_annual_usd_min,
        cast(salary_annual_usd_max as double) as salary_annual_usd_max,

        ----------  dates and timestamps (posted_at is a UTC instant)
        cast(posted_at as timestamptz) as posted_at,
        cast(ingest_date as date) as ingest_date

    from source

    -- a backfill sees the lake as it was on its date: later partitions are not part of that day's gold
    {{ as_of_filter('ingest_date') }}

)

select * from renamed
