with

postings as (

    select job_id, skills from {{ ref('fct_job_postings') }}

),

mentions as (

    select job_id, unnest(skills) as skill
    from postings

),

final as (

    -- a skill listed twice in one posting (in two spellings) counts once
    select distinct
        job_id,
        {{ text_key('skill') }} as skill_key

    from mentions
    where nullif(trim(skill), '') is not null

)

select * from final
