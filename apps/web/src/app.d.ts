import type { Family, Member, User } from '@familyhub/shared';

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
    }
    interface Error {
      message: string;
    }
  }
}

export {};
