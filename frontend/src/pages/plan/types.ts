// The account plan as the page's query returns it; each section takes its part.
import type { PlanQuery } from "../../gql/graphql";

export type AccountPlan = PlanQuery["accountPlans"]["nodes"][number];
