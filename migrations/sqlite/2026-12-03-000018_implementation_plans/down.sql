DROP TABLE implementation_plan_activity_targets;
DROP TABLE implementation_plans;
DROP TABLE plan_campaign_stages;
DROP TABLE plan_campaigns;
