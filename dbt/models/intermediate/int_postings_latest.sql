with

postings as (

    select * from {{ ref('stg_silver__jobs') }}

),

ranked as (

    select
        *,
        min(ingest_date) over (partition by job_id) as first_seen_date,
        row_number() over (partition by job_id order by {{ latest_sighting_order() }}) as sighting_rank

    from postings

),

latest as (

    select * exclude (sighting_rank)
    from ranked
    where sighting_rank = 1

)

select * from latest
