with

bridge as (

    select * from {{ ref('bridge_job_skill') }}

),

mentions as (

    select unnest(skills) as skill
    from {{ ref('fct_job_postings') }}

),

spellings as (

    select {{ text_key('skill') }} as skill_key, trim(skill) as skill, count(*) as mentions
    from mentions
    where nullif(trim(skill), '') is not null
    group by 1, 2

),

named as (

    -- silver's skills are canonical already; should two spellings share a key, the most frequent one names it
    select skill_key, arg_max(skill, (mentions, skill)) as skill
    from spellings
    group by 1

),

demand as (

    select skill_key, count(*) as postings
    from bridge
    group by 1

),

final as (

    select
        demand.skill_key,
        named.skill,
        demand.postings

    from demand
    inner join named using (skill_key)

)

select * from final
