'use client';
import { signOut } from 'next-auth/react';
import { Button } from './ui';

export function SignOutButton() {
  return (
    <Button variant="secondary" onClick={() => void signOut({ callbackUrl: '/signin' })}>
      Sign out
    </Button>
  );
}
