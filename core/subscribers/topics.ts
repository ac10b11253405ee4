import * as Db from "../db";
import { assertTopicsExist, type Topic, type TopicStatus } from "../topics";

/** The statuses of the topics a reader may follow: what the newsroom covers or opened, never a mere proposal. */
export const FOLLOWABLE: readonly TopicStatus[] = ["open", "closed", "covered"];

/** The topics a reader may follow (the sign-up form and the preferences page offer them), by id within each status. */
export const followableTopics = (): Promise<Topic[]> => Db.Topics.byStatus(FOLLOWABLE);

/** Refuses topics that do not exist or are only proposed: readers follow what the newsroom covers. */
export const assertFollowable = (topics: readonly string[]) => assertTopicsExist(topics, FOLLOWABLE);
