DROP TABLE dispatch_plans;
