import { assertTopicsExist } from "../topics";

/** Refuses topics that do not exist or are only proposed: readers follow what the newsroom covers. */
export const assertFollowable = (topics: readonly string[]) => assertTopicsExist(topics, ["open", "closed", "covered"]);
