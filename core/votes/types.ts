import type { Patron } from "../patrons/types";

/** A patron's vote for a topic. Kept as history when it stops counting (the patron lapsed); counts again on rejoining. */
export interface Vote {
  subscriberId: string;
  topicId: string;
  /** The tier the weight comes from. */
  tierId: string;
  /** The tier's vote weight, as last counted. */
  weight: number;
  /** Whether the vote counts now: the patron is `active`, `comped` or in `grace`. */
  counted: boolean;
  createdAt: string;
  updatedAt: string;
  /** The digest in which the patron was told "You asked, we covered it" for this topic (once). */
  coveredShownIn?: string;
}

/** The topics one patron holds a vote for, versioned: a patron's votes are cast and withdrawn one at a time. */
export interface Ballot {
  subscriberId: string;
  topicIds: string[];
  version: number;
}

/** Who may cast a new vote: `active` and `comped` patrons. */
export const CAN_VOTE = ["active", "comped"] as const;

/** Whose votes count: eligible patrons, and those in `grace` (who keep their votes but cast no new ones). */
export const votesCount = (patron: Pick<Patron, "status"> | undefined) =>
  patron?.status === "active" || patron?.status === "comped" || patron?.status === "grace";
