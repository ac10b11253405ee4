export const topicStatuses = ["proposed", "open", "closed", "covered"] as const;
export type TopicStatus = (typeof topicStatuses)[number];

/** A subject readers follow and patrons vote on; its id is an editor-chosen slug (`climate`). */
export interface Topic {
  id: string;
  title: string;
  description?: string;
  status: TopicStatus;
  articleIds: string[];
  /** The patron who proposed it (a `proposed` topic, until an editor opens it). */
  proposedBy?: string;
  /**
   * When it last became open (absent on topics opened before this was kept: then `createdAt`). A vote takes its
   * place on the patron's ballot from then, or from when it was cast if later (see `core/votes/places.ts`).
   */
  openedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const TOPIC_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A topic as readers see it: with its score (sum of eligible patrons' vote weights) and number of voters. */
export interface ScoredTopic extends Pick<Topic, "id" | "title" | "description" | "status"> {
  score: number;
  voters: number;
}
