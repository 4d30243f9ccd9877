import type { Family, Member, TempusStatusResponse, User } from '@familyhub/shared';

declare global {
  namespace App {
    interface Locals {
      user: User | null;
      family: Family | null;
      members: Member[];
    }
    interface PageData {
      user: User | null;
      family: Family | null;
      members: Member[];
      /** The family's Tempus accounts; null when signed out or when the API could not say. */
      tempus: TempusStatusResponse | null;
    }
    interface Error {
      message: string;
    }
  }
}

export {};
